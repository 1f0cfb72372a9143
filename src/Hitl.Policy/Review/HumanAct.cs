namespace Hitl.Policy.Review;

/// <summary>A person's act on a case: who, on which case, and why.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="ActorId">The reviewer's id (looked up in the reviewer directory), or the subject's id for a contest.</param>
/// <param name="ReasonCode">A machine-readable reason code, for example <c>wrong-amount</c>. Required.</param>
/// <param name="Reason">The reason in the actor's words. Required for a rejection.</param>
public sealed record HumanAct(string CaseId, string ActorId, string ReasonCode, string? Reason = null)
{
    /// <summary>
    /// When the case's ticket was shown to the actor (by the host's inbox or chat), so that the record says how long they
    /// took; when the ticket was issued, if omitted. A time after the act is recorded as the act's own time.
    /// </summary>
    public DateTimeOffset? ShownAt { get; init; }
}
