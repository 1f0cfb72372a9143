namespace Hitl.Policy.Feedback;

/// <summary>A differing case with what reviewers decided on it.</summary>
/// <param name="Difference">How the candidate differs.</param>
/// <param name="Verdict">What people concluded, from the audit trail; <see langword="null"/> when the case is not in the trail.</param>
/// <param name="Reviewers">Who acted on the case, in trail order.</param>
public sealed record ShadowCase(ShadowDifference Difference, Verdict? Verdict, IReadOnlyList<string> Reviewers);
