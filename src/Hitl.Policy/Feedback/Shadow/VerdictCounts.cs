namespace Hitl.Policy.Feedback;

/// <summary>What people concluded about a set of cases.</summary>
/// <param name="Agreed">Accepted as they were (approved, or audit passed).</param>
/// <param name="Overridden">Not accepted as they were (edited, rejected, audit failed, overridden, reversed).</param>
/// <param name="Unjudged">In the trail without a verdict (auto-executed unaudited, blocked, pending, timed out).</param>
/// <param name="NotInTrail">Not found in the audit trail.</param>
public sealed record VerdictCounts(int Agreed, int Overridden, int Unjudged, int NotInTrail);
