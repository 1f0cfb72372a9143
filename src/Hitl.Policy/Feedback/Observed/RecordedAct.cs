using Hitl.Policy.Audit;

namespace Hitl.Policy.Feedback;

/// <summary>One act of a person (or of the review gate) on a case, as read from the audit trail.</summary>
/// <param name="Kind">What was done.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="ActorTier">The actor's reviewer tier's name.</param>
/// <param name="ReasonCode">The machine-readable reason, when one was given.</param>
/// <param name="At">When it was done.</param>
/// <param name="Waited">How long the case had waited for this act: since the decision, or since the last escalation.</param>
public sealed record RecordedAct(ActKind Kind, string? Actor, string? ActorTier, string? ReasonCode, DateTimeOffset At, TimeSpan Waited)
{
    /// <summary>Whether the act is a reviewer's answer to a review ticket: approve, edit, reject or escalate.</summary>
    public bool IsReview => Kind is ActKind.Approved or ActKind.Edited or ActKind.Rejected or ActKind.Escalated;
}
