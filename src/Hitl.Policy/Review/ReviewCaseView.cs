namespace Hitl.Policy.Review;

/// <summary>A case as it stands, for the host to show or to decide on.</summary>
public sealed record ReviewCaseView
{
    /// <summary>The case id.</summary>
    public required string CaseId { get; init; }

    /// <summary>The case's version in the case store (one more at every committed change).</summary>
    public long Version { get; init; }

    /// <summary>Where the case stands.</summary>
    public required CaseState State { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The route that applies now.</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The tier a reviewer needs now, by name (<see langword="null"/> when no review is needed).</summary>
    public string? RequiredTier { get; init; }

    /// <summary>How many distinct approvals are needed.</summary>
    public required int RequiredApprovals { get; init; }

    /// <summary>Who has approved in this round, in order.</summary>
    public required IReadOnlyList<string> Approvers { get; init; }

    /// <summary>When the review falls back, when it has a deadline.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>Whether the subject contested the case.</summary>
    public required bool Contested { get; init; }

    /// <summary>Whether the action has run.</summary>
    public required bool Executed { get; init; }

    /// <summary>The outcome, once the case is decided (this round).</summary>
    public CaseOutcome? Outcome { get; init; }

    /// <summary>The last ticket sent for the case.</summary>
    public ReviewTicket? Ticket { get; init; }

    /// <summary>When the host reported that the action ran (<c>ReportExecutedAsync</c>), if it did.</summary>
    public DateTimeOffset? ExecutionReportedAt { get; init; }

    /// <summary>Until when the closed case is kept in the store before a sweep purges it.</summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>Whether a legal hold keeps the case whatever its retention says.</summary>
    public bool LegalHold { get; init; }

    /// <summary>What happened to the case, oldest first (see <see cref="CaseRecord.History"/>).</summary>
    public IReadOnlyList<CaseEvent> History { get; init; } = [];

    /// <summary>The host's ids that tie the case to its own records (see <see cref="GateRequest{TContext}.Correlation"/>).</summary>
    public IReadOnlyDictionary<string, string>? Correlation { get; init; }
}
