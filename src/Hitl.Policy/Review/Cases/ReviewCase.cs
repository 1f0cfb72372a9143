namespace Hitl.Policy.Review;

/// <summary>One case as the gate keeps it. Mutated only while <see cref="Lock"/> is held.</summary>
internal sealed class ReviewCase
{
    public required string Id { get; init; }

    public required Decision Decision { get; init; }

    public required IReadOnlyList<string> Tiers { get; init; }

    public required string Payload { get; init; }

    public required string PayloadDigest { get; init; }

    public string? RequestId { get; init; }

    public string? Requester { get; init; }

    public string? Subject { get; init; }

    public string? Summary { get; init; }

    public string? PolicyHash { get; init; }

    public double? Confidence { get; set; }

    public double? Risk { get; set; }

    public required DateTimeOffset OpenedAt { get; init; }

    public SemaphoreSlim Lock { get; } = new(1, 1);

    public CaseState State { get; set; } = CaseState.Pending;

    /// <summary>Whether the decision is on the audit record (until then, nothing about the case may take effect).</summary>
    public bool Recorded { get; set; }

    public RouteLevel Route { get; set; }

    public int Tier { get; set; }

    public int RequiredApprovals { get; set; }

    public TimeSpan? ReviewDeadline { get; set; }

    public DateTimeOffset? DeadlineAt { get; set; }

    public RouteLevel? Fallback { get; set; }

    public bool TimeoutEscalated { get; set; }

    public List<string> Approvers { get; } = [];

    public HashSet<string> PriorDeciders { get; } = new(StringComparer.Ordinal);

    public string? LastDecider { get; set; }

    public string? EditedPayload { get; set; }

    public string? EditedDigest { get; set; }

    public bool Executed { get; set; }

    public bool Contested { get; set; }

    /// <summary>Whether tickets withhold the model's suggestion: approving then needs the reviewer's own decision first.</summary>
    public bool SuggestionWithheld { get; set; }

    /// <summary>Reviewers who recorded an independent decision, with the digest of their answer.</summary>
    public Dictionary<string, string> IndependentDecisions { get; } = new(StringComparer.Ordinal);

    /// <summary>Reviewers the withheld suggestion was shown to, with the digest of the payload they saw.</summary>
    public Dictionary<string, string> RevealedTo { get; } = new(StringComparer.Ordinal);

    /// <summary>The digest of what an approval as it is would execute.</summary>
    public string ExecutedDigest => EditedDigest ?? PayloadDigest;

    public ReviewTicket? Ticket { get; set; }

    public CaseOutcome? Outcome { get; set; }

    public TaskCompletionSource<CaseOutcome> Round { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset RoundOpenedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public string? ActionType => Decision.ActionType;

    public string? TierName => State == CaseState.Pending || Route is RouteLevel.Review or RouteLevel.Escalate
        ? (Tier < Tiers.Count ? Tiers[Tier] : null)
        : null;

    public string ExecutedPayload => EditedPayload ?? Payload;

    public ReviewCaseView View() => new()
    {
        CaseId = Id,
        State = State,
        ActionType = ActionType,
        Route = Route,
        RequiredTier = TierName,
        RequiredApprovals = RequiredApprovals,
        Approvers = [.. Approvers],
        DeadlineAt = DeadlineAt,
        Contested = Contested,
        Executed = Executed,
        Outcome = Outcome,
        Ticket = Ticket,
    };
}
