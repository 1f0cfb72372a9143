namespace Hitl.Policy.Feedback;

/// <summary>What a <see cref="ShadowEvaluator{TContext}"/> saw: how many cases it compared and where the policies differ.</summary>
/// <param name="ActivePolicy">The active policy's id and version, as <c>id@version</c>.</param>
/// <param name="CandidatePolicy">The candidate's id and version.</param>
/// <param name="Observed">How many cases were compared, per action type (<c>(none)</c> for a missing action type).</param>
/// <param name="Differences">The differing cases, in the order seen, up to the evaluator's limit.</param>
/// <param name="DroppedDifferences">Differences counted but not kept because the limit was reached.</param>
public sealed record ShadowRun(
    string ActivePolicy,
    string CandidatePolicy,
    IReadOnlyDictionary<string, int> Observed,
    IReadOnlyList<ShadowDifference> Differences,
    int DroppedDifferences);
