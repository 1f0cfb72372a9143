namespace Hitl.Policy.Review;

/// <summary>
/// A case as an <see cref="ICaseStore"/> keeps it: one model output and everything done about it, enough for any gate
/// (after a restart, or on another instance) to go on with it. Immutable: a change is a new record with the same
/// <see cref="Id"/>, committed against the <see cref="Version"/> it was made from.
/// </summary>
/// <remarks>
/// The payload is the model's output as submitted, kept so that an approval after a restart can still execute it; treat
/// it as hostile input wherever it is shown. Stores persist the record as the JSON of <see cref="CaseRecordJson"/>.
/// </remarks>
public sealed record CaseRecord
{
    /// <summary>The case id.</summary>
    public required string Id { get; init; }

    /// <summary>The version: 1 when created, one more at every commit. The store sets it.</summary>
    public long Version { get; init; }

    /// <summary>Where the case stands.</summary>
    public required CaseState State { get; init; }

    /// <summary>The review round: 1 at first, one more at every contest.</summary>
    public int Round { get; init; } = 1;

    /// <summary>The route that applies now.</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The route the policy decided at submit.</summary>
    public required RouteLevel DecidedRoute { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The id of the policy that decided.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>The SHA-256 digest (hex) of the policy document that decided, when known.</summary>
    public string? PolicyHash { get; init; }

    /// <summary>The rule (or built-in) that set the route.</summary>
    public required string DecidedBy { get; init; }

    /// <summary>The ids of the rules that fired.</summary>
    public IReadOnlyList<string> FiredRules { get; init; } = [];

    /// <summary>The decision's flags.</summary>
    public DecisionFlags Flags { get; init; }

    /// <summary>The policy's reviewer tiers, lowest first.</summary>
    public required IReadOnlyList<string> Tiers { get; init; }

    /// <summary>The index in <see cref="Tiers"/> of the tier a reviewer needs now.</summary>
    public int Tier { get; init; }

    /// <summary>The tier a reviewer needs now, by name (<see langword="null"/> when the case needs no review).</summary>
    public string? RequiredTier { get; init; }

    /// <summary>How many distinct approvals the case needs.</summary>
    public int RequiredApprovals { get; init; }

    /// <summary>The review's time limit (each escalation starts it again).</summary>
    public TimeSpan? ReviewDeadline { get; init; }

    /// <summary>When the review falls back, while it is pending.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>What a passed deadline does (escalate once, then block; never approve).</summary>
    public RouteLevel? Fallback { get; init; }

    /// <summary>Whether a passed deadline has escalated the case already.</summary>
    public bool TimeoutEscalated { get; init; }

    /// <summary>Who has approved in this round, in order.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>Who decided the case in an earlier round (they may not decide it after a contest).</summary>
    public IReadOnlyList<string> PriorDeciders { get; init; } = [];

    /// <summary>Who decided last.</summary>
    public string? LastDecider { get; init; }

    /// <summary>The model's output as submitted.</summary>
    public required string Payload { get; init; }

    /// <summary>The digest of <see cref="Payload"/> the audit trail keeps.</summary>
    public required string PayloadDigest { get; init; }

    /// <summary>The payload as a reviewer edited it, when edited.</summary>
    public string? EditedPayload { get; init; }

    /// <summary>The digest of <see cref="EditedPayload"/>.</summary>
    public string? EditedDigest { get; init; }

    /// <summary>Whether the action has run (as far as the gate knows: it said execute).</summary>
    public bool Executed { get; init; }

    /// <summary>When the host reported that the action ran (<c>ReportExecutedAsync</c>), if it did.</summary>
    public DateTimeOffset? ExecutionReportedAt { get; init; }

    /// <summary>Whether the affected person contested the case.</summary>
    public bool Contested { get; init; }

    /// <summary>Whether tickets withhold the model's suggestion.</summary>
    public bool SuggestionWithheld { get; init; }

    /// <summary>Reviewers who recorded an independent decision, with the digest of their answer.</summary>
    public IReadOnlyDictionary<string, string> IndependentDecisions { get; init; } = EmptyMap;

    /// <summary>Reviewers the withheld suggestion was shown to, with the digest of what they saw.</summary>
    public IReadOnlyDictionary<string, string> RevealedTo { get; init; } = EmptyMap;

    /// <summary>The last ticket sent for the case.</summary>
    public ReviewTicket? Ticket { get; init; }

    /// <summary>The outcome of the current round, once decided.</summary>
    public CaseOutcome? Outcome { get; init; }

    /// <summary>The host's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Who asked for the action.</summary>
    public string? Requester { get; init; }

    /// <summary>The person the action affects.</summary>
    public string? Subject { get; init; }

    /// <summary>What the case is about, in the host's words.</summary>
    public string? Summary { get; init; }

    /// <summary>The model that produced the output.</summary>
    public string? ModelId { get; init; }

    /// <summary>The model's version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The model's confidence.</summary>
    public double? Confidence { get; init; }

    /// <summary>The risk score.</summary>
    public double? Risk { get; init; }

    /// <summary>When the host received the model's output.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The host's ids that tie the case to its own records (see <see cref="GateRequest{TContext}.Correlation"/>).</summary>
    public IReadOnlyDictionary<string, string>? Correlation { get; init; }

    /// <summary>When the gate routed it and opened the case.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the current round began.</summary>
    public required DateTimeOffset RoundOpenedAt { get; init; }

    /// <summary>When the case was decided (this round); <see langword="null"/> while it is open.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The retention class (see <see cref="ReviewGateOptions.RetentionClasses"/>), when the host gave one.</summary>
    public string? RetentionClass { get; init; }

    /// <summary>Until when the closed case is kept; a sweep then purges it (an audited act) unless <see cref="LegalHold"/> is set.</summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>Whether a legal hold keeps the case whatever its retention says.</summary>
    public bool LegalHold { get; init; }

    /// <summary>How many entries <see cref="History"/> keeps at most; older ones are dropped (and counted in <see cref="EarlierEventsOmitted"/>).</summary>
    public const int MaxHistory = 200;

    /// <summary>What happened to the case, oldest first: the gate's decision and every act, as the trail records them (the last <see cref="MaxHistory"/>).</summary>
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>How many older entries <see cref="History"/> no longer holds (the trail still does).</summary>
    public long EarlierEventsOmitted { get; init; }

    /// <summary>Whether the case is open: waiting for reviewers, or approved and held by the kill switch.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOpen => State is CaseState.Pending or CaseState.Held;

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>(StringComparer.Ordinal);
}
