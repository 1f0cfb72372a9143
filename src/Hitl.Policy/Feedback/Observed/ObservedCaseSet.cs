namespace Hitl.Policy.Feedback;

/// <summary>The cases read from an audit trail, with what had to be left out and why.</summary>
/// <param name="Cases">One observed case per case that has a decision record, in the order the cases first appear.</param>
/// <param name="RecordCount">How many records were read.</param>
/// <param name="CasesWithoutDecision">
/// Cases with acts but no <c>decided</c> record carrying a route and an action type (for example a trail read from the
/// middle): left out, because their confidence and route are unknown.
/// </param>
/// <param name="SupersededRecords">Records set aside because a later <c>corrected</c> record supersedes them.</param>
public sealed record ObservedCaseSet(IReadOnlyList<ObservedCase> Cases, long RecordCount, int CasesWithoutDecision, int SupersededRecords);
