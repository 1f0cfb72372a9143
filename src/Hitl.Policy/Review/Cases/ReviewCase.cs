namespace Hitl.Policy.Review;

/// <summary>
/// A gate's working copy of one case, read from the case store for one act and committed back with the act's record.
/// Private to the act that loaded it: when the commit fails, the copy is dropped and the stored case is unchanged.
/// </summary>
internal sealed class ReviewCase
{
    public required string Id { get; init; }

    /// <summary>The version the copy was read at (0 for a case not yet stored).</summary>
    public long Version { get; set; }

    public required IReadOnlyList<string> Tiers { get; init; }

    public required string Payload { get; init; }

    public required string PayloadDigest { get; init; }

    public string? ActionType { get; init; }

    public string? PolicyId { get; init; }

    public string? PolicyVersion { get; init; }

    public string? PolicyHash { get; init; }

    public required string DecidedBy { get; init; }

    public IReadOnlyList<string> FiredRules { get; init; } = [];

    public DecisionFlags Flags { get; init; }

    public RouteLevel DecidedRoute { get; init; }

    public string? RequestId { get; init; }

    public string? Requester { get; init; }

    public string? Subject { get; init; }

    public string? Summary { get; init; }

    public string? ModelId { get; init; }

    public string? ModelVersion { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    public string? RetentionClass { get; init; }

    public double? Confidence { get; set; }

    public double? Risk { get; set; }

    public required DateTimeOffset OpenedAt { get; init; }

    public CaseState State { get; set; } = CaseState.Pending;

    public int Round { get; set; } = 1;

    public RouteLevel Route { get; set; }

    public int Tier { get; set; }

    public int RequiredApprovals { get; set; }

    public TimeSpan? ReviewDeadline { get; set; }

    public DateTimeOffset? DeadlineAt { get; set; }

    public RouteLevel? Fallback { get; set; }

    public bool TimeoutEscalated { get; set; }

    public List<string> Approvers { get; init; } = [];

    public HashSet<string> PriorDeciders { get; init; } = new(StringComparer.Ordinal);

    public string? LastDecider { get; set; }

    public string? EditedPayload { get; set; }

    public string? EditedDigest { get; set; }

    public bool Executed { get; set; }

    public DateTimeOffset? ExecutionReportedAt { get; set; }

    public bool Contested { get; set; }

    /// <summary>Whether tickets withhold the model's suggestion: approving then needs the reviewer's own decision first.</summary>
    public bool SuggestionWithheld { get; set; }

    /// <summary>Reviewers who recorded an independent decision, with the digest of their answer.</summary>
    public Dictionary<string, string> IndependentDecisions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reviewers the withheld suggestion was shown to, with the digest of the payload they saw.</summary>
    public Dictionary<string, string> RevealedTo { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The digest of what an approval as it is would execute.</summary>
    public string ExecutedDigest => EditedDigest ?? PayloadDigest;

    public ReviewTicket? Ticket { get; set; }

    public CaseOutcome? Outcome { get; set; }

    public DateTimeOffset RoundOpenedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public DateTimeOffset? RetainUntil { get; set; }

    public bool LegalHold { get; set; }

    public string? TierName => State == CaseState.Pending || Route is RouteLevel.Review or RouteLevel.Escalate
        ? (Tier < Tiers.Count ? Tiers[Tier] : null)
        : null;

    public string ExecutedPayload => EditedPayload ?? Payload;

    public ReviewCaseView View() => new()
    {
        CaseId = Id,
        Version = Version,
        State = State,
        ActionType = ActionType,
        Route = Route,
        RequiredTier = TierName,
        RequiredApprovals = RequiredApprovals,
        Approvers = [.. Approvers],
        DeadlineAt = DeadlineAt,
        Contested = Contested,
        Executed = Executed,
        ExecutionReportedAt = ExecutionReportedAt,
        Outcome = Outcome,
        Ticket = Ticket,
        RetainUntil = RetainUntil,
        LegalHold = LegalHold,
    };

    public CaseRecord ToRecord() => new()
    {
        Id = Id,
        Version = Version,
        State = State,
        Round = Round,
        Route = Route,
        DecidedRoute = DecidedRoute,
        ActionType = ActionType,
        PolicyId = PolicyId,
        PolicyVersion = PolicyVersion,
        PolicyHash = PolicyHash,
        DecidedBy = DecidedBy,
        FiredRules = FiredRules,
        Flags = Flags,
        Tiers = Tiers,
        Tier = Tier,
        RequiredTier = TierName,
        RequiredApprovals = RequiredApprovals,
        ReviewDeadline = ReviewDeadline,
        DeadlineAt = DeadlineAt,
        Fallback = Fallback,
        TimeoutEscalated = TimeoutEscalated,
        Approvers = Approvers.Count == 0 ? [] : [.. Approvers],
        PriorDeciders = PriorDeciders.Count == 0 ? [] : [.. PriorDeciders.Order(StringComparer.Ordinal)],
        LastDecider = LastDecider,
        Payload = Payload,
        PayloadDigest = PayloadDigest,
        EditedPayload = EditedPayload,
        EditedDigest = EditedDigest,
        Executed = Executed,
        ExecutionReportedAt = ExecutionReportedAt,
        Contested = Contested,
        SuggestionWithheld = SuggestionWithheld,
        IndependentDecisions = Copy(IndependentDecisions),
        RevealedTo = Copy(RevealedTo),
        Ticket = Ticket,
        Outcome = Outcome,
        RequestId = RequestId,
        Requester = Requester,
        Subject = Subject,
        Summary = Summary,
        ModelId = ModelId,
        ModelVersion = ModelVersion,
        Confidence = Confidence,
        Risk = Risk,
        ReceivedAt = ReceivedAt,
        OpenedAt = OpenedAt,
        RoundOpenedAt = RoundOpenedAt,
        ClosedAt = ClosedAt,
        RetentionClass = RetentionClass,
        RetainUntil = RetainUntil,
        LegalHold = LegalHold,
    };

    private static readonly IReadOnlyDictionary<string, string> NoEntries = new Dictionary<string, string>(StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> Copy(Dictionary<string, string> map) =>
        map.Count == 0 ? NoEntries : new Dictionary<string, string>(map, StringComparer.Ordinal);

    public static ReviewCase From(CaseRecord r) => new()
    {
        Id = r.Id,
        Version = r.Version,
        State = r.State,
        Round = r.Round,
        Route = r.Route,
        DecidedRoute = r.DecidedRoute,
        ActionType = r.ActionType,
        PolicyId = r.PolicyId,
        PolicyVersion = r.PolicyVersion,
        PolicyHash = r.PolicyHash,
        DecidedBy = r.DecidedBy,
        FiredRules = r.FiredRules,
        Flags = r.Flags,
        Tiers = r.Tiers,
        Tier = r.Tier,
        RequiredApprovals = r.RequiredApprovals,
        ReviewDeadline = r.ReviewDeadline,
        DeadlineAt = r.DeadlineAt,
        Fallback = r.Fallback,
        TimeoutEscalated = r.TimeoutEscalated,
        Approvers = [.. r.Approvers],
        PriorDeciders = new HashSet<string>(r.PriorDeciders, StringComparer.Ordinal),
        LastDecider = r.LastDecider,
        Payload = r.Payload,
        PayloadDigest = r.PayloadDigest,
        EditedPayload = r.EditedPayload,
        EditedDigest = r.EditedDigest,
        Executed = r.Executed,
        ExecutionReportedAt = r.ExecutionReportedAt,
        Contested = r.Contested,
        SuggestionWithheld = r.SuggestionWithheld,
        IndependentDecisions = new Dictionary<string, string>(r.IndependentDecisions, StringComparer.Ordinal),
        RevealedTo = new Dictionary<string, string>(r.RevealedTo, StringComparer.Ordinal),
        Ticket = r.Ticket,
        Outcome = r.Outcome,
        RequestId = r.RequestId,
        Requester = r.Requester,
        Subject = r.Subject,
        Summary = r.Summary,
        ModelId = r.ModelId,
        ModelVersion = r.ModelVersion,
        Confidence = r.Confidence,
        Risk = r.Risk,
        ReceivedAt = r.ReceivedAt,
        OpenedAt = r.OpenedAt,
        RoundOpenedAt = r.RoundOpenedAt,
        ClosedAt = r.ClosedAt,
        RetentionClass = r.RetentionClass,
        RetainUntil = r.RetainUntil,
        LegalHold = r.LegalHold,
    };
}
