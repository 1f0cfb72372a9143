namespace Hitl.Policy.Review;

/// <summary>
/// A gate's working copy of one case, read from the case store for one act and committed back with the act's record.
/// What never changes after submit is read from the stored record (<see cref="Origin"/>); what acts change is held
/// here. Private to the act that loaded it: when the commit fails, the copy is dropped and the stored case is unchanged.
/// </summary>
internal sealed class ReviewCase
{
    private static readonly IReadOnlyDictionary<string, string> NoEntries = new Dictionary<string, string>(StringComparer.Ordinal);

    private ReviewCase(CaseRecord origin)
    {
        Origin = origin;
    }

    /// <summary>The case as it was read (or, for a new case, as it was opened).</summary>
    public CaseRecord Origin { get; }

    public string Id => Origin.Id;

    /// <summary>The version the copy was read at (0 for a case not yet stored).</summary>
    public long Version { get; set; }

    public IReadOnlyList<string> Tiers => Origin.Tiers;

    public string Payload => Origin.Payload;

    public string PayloadDigest => Origin.PayloadDigest;

    public string? ActionType => Origin.ActionType;

    public string? PolicyId => Origin.PolicyId;

    public string? PolicyVersion => Origin.PolicyVersion;

    public string? PolicyHash => Origin.PolicyHash;

    public string DecidedBy => Origin.DecidedBy;

    public IReadOnlyList<string> FiredRules => Origin.FiredRules;

    public DecisionFlags Flags => Origin.Flags;

    public RouteLevel DecidedRoute => Origin.DecidedRoute;

    public string? RequestId => Origin.RequestId;

    public string? Requester => Origin.Requester;

    public string? Subject => Origin.Subject;

    public string? Summary => Origin.Summary;

    public string? ModelId => Origin.ModelId;

    public string? ModelVersion => Origin.ModelVersion;

    public DateTimeOffset? ReceivedAt => Origin.ReceivedAt;

    public IReadOnlyDictionary<string, string>? Correlation => Origin.Correlation;

    public string? RetentionClass => Origin.RetentionClass;

    public DateTimeOffset OpenedAt => Origin.OpenedAt;

    public double? Confidence { get; set; }

    public double? Risk { get; set; }

    public CaseState State { get; set; }

    public int Round { get; set; }

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

    /// <summary>What happened to the case; the commit of an act adds its entries.</summary>
    public IReadOnlyList<CaseEvent> History { get; set; } = [];

    public long EarlierEventsOmitted { get; set; }

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
        History = History,
        Correlation = Correlation,
    };

    /// <summary>The case as it is to be stored: the record it was read as, with what acts change.</summary>
    public CaseRecord ToRecord() => Origin with
    {
        Version = Version,
        State = State,
        Round = Round,
        Route = Route,
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
        Confidence = Confidence,
        Risk = Risk,
        RoundOpenedAt = RoundOpenedAt,
        ClosedAt = ClosedAt,
        RetainUntil = RetainUntil,
        LegalHold = LegalHold,
        History = History,
        EarlierEventsOmitted = EarlierEventsOmitted,
    };

    /// <summary>A working copy of a stored case (or of a case being opened, at version 0).</summary>
    public static ReviewCase From(CaseRecord r) => new(r)
    {
        Version = r.Version,
        State = r.State,
        Round = r.Round,
        Route = r.Route,
        Tier = r.Tier,
        RequiredApprovals = r.RequiredApprovals,
        ReviewDeadline = r.ReviewDeadline,
        DeadlineAt = r.DeadlineAt,
        Fallback = r.Fallback,
        TimeoutEscalated = r.TimeoutEscalated,
        Approvers = [.. r.Approvers],
        PriorDeciders = new HashSet<string>(r.PriorDeciders, StringComparer.Ordinal),
        LastDecider = r.LastDecider,
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
        Confidence = r.Confidence,
        Risk = r.Risk,
        RoundOpenedAt = r.RoundOpenedAt,
        ClosedAt = r.ClosedAt,
        RetainUntil = r.RetainUntil,
        LegalHold = r.LegalHold,
        History = r.History,
        EarlierEventsOmitted = r.EarlierEventsOmitted,
    };

    private static IReadOnlyDictionary<string, string> Copy(Dictionary<string, string> map) =>
        map.Count == 0 ? NoEntries : new Dictionary<string, string>(map, StringComparer.Ordinal);
}
