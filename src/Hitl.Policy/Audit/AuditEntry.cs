namespace Hitl.Policy.Audit;

/// <summary>
/// What a caller appends to an <see cref="IAuditStore"/>: one decision or one act on a case. The store adds the
/// sequence number and the hash chain (<see cref="AuditRecord"/>). Payloads are not stored, only their digests.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>What happened.</summary>
    public required ActKind Act { get; init; }

    /// <summary>The case the record belongs to (one model output and everything done about it).</summary>
    public required string CaseId { get; init; }

    /// <summary>When it happened, from the host's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The action type, for example <c>loan.approve</c>.</summary>
    public string? ActionType { get; init; }

    /// <summary>The host's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The id of the policy that decided.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>A SHA-256 digest (hex) of the policy document that decided.</summary>
    public string? PolicyHash { get; init; }

    /// <summary>
    /// A digest (hex) of the inputs or payload the record is about: SHA-256, or HMAC-SHA256 under the deployment secret
    /// when the gate has <see cref="Review.ReviewGateOptions.PayloadDigestKey"/> (so that short payloads cannot be guessed).
    /// </summary>
    public string? InputDigest { get; init; }

    /// <summary>For <see cref="ActKind.Edited"/>: a digest (hex) of the edited payload, made like <see cref="InputDigest"/>.</summary>
    public string? EditedDigest { get; init; }

    /// <summary>The route decided (for <see cref="ActKind.Decided"/>), or the route a fallback or override applied.</summary>
    public RouteLevel? Route { get; init; }

    /// <summary>The required reviewer tier's name.</summary>
    public string? RequiredTier { get; init; }

    /// <summary>The number of distinct approvals required.</summary>
    public int? RequiredApprovals { get; init; }

    /// <summary>The ids of the rules that fired.</summary>
    public IReadOnlyList<string>? RulesFired { get; init; }

    /// <summary>The rule (or built-in) that set the route.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The decision's flags.</summary>
    public DecisionFlags? Flags { get; init; }

    /// <summary>The model's confidence, kept so that outcomes can be calibrated per confidence band.</summary>
    public double? Confidence { get; init; }

    /// <summary>The risk score, when known.</summary>
    public double? Risk { get; init; }

    /// <summary>Who acted (a reviewer's id, the affected person, or <c>system</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>The actor's role, for example <c>reviewer</c>, <c>subject</c>, <c>operator</c>.</summary>
    public string? ActorRole { get; init; }

    /// <summary>The actor's reviewer tier's name.</summary>
    public string? ActorTier { get; init; }

    /// <summary>A machine-readable reason code, for example <c>wrong-amount</c>.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>The reason in the actor's words.</summary>
    public string? Reason { get; init; }

    /// <summary>For <see cref="ActKind.Corrected"/>: the sequence number of the record this one corrects.</summary>
    public long? Supersedes { get; init; }

    /// <summary>Further host-defined facts, kept as text.</summary>
    public IReadOnlyDictionary<string, string>? Data { get; init; }

    /// <summary>The model that produced the output the case is about (from the gate request).</summary>
    public string? ModelId { get; init; }

    /// <summary>The model's version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Who asked for the action (on the decision record).</summary>
    public string? Requester { get; init; }

    /// <summary>The person the action affects (on the decision record).</summary>
    public string? Subject { get; init; }

    /// <summary>When the host received the model's output (on the decision record; <see cref="At"/> is when it was routed).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>
    /// For a person's act on a ticket: when the ticket was shown to them (from the act, or when the ticket was issued), so
    /// that <see cref="At"/> minus this is the time they took.
    /// </summary>
    public DateTimeOffset? ShownAt { get; init; }

    /// <summary>
    /// The host's ids that tie the case to its own records (for an agent's tool call, <c>conversationId</c> and
    /// <c>toolCallId</c>), from <see cref="Review.GateRequest{TContext}.Correlation"/>: on the decision and on every act of the case.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Correlation { get; init; }
}
