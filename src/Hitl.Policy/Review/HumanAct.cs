namespace Hitl.Policy.Review;

/// <summary>A person's act on a case: who, on which case, and why.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="ActorId">The reviewer's id (looked up in the reviewer directory), or the subject's id for a contest.</param>
/// <param name="ReasonCode">A machine-readable reason code, for example <c>wrong-amount</c>. Required.</param>
/// <param name="Reason">The reason in the actor's words. Required for a rejection.</param>
public sealed record HumanAct(string CaseId, string ActorId, string ReasonCode, string? Reason = null);
