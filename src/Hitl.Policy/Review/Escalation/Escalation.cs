namespace Hitl.Policy.Review;

/// <summary>One escalation of a case, as escalation handlers see it.</summary>
public sealed record Escalation
{
    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The tier the case now needs, by name.</summary>
    public required string Tier { get; init; }

    /// <summary>The tier the case needed before, by name (<see langword="null"/> when it opened escalated).</summary>
    public string? PreviousTier { get; init; }

    /// <summary>Why the case escalated.</summary>
    public required EscalationCause Cause { get; init; }

    /// <summary>Who escalated it, when a reviewer did.</summary>
    public string? Actor { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The ticket the review sink received for the escalated case.</summary>
    public required ReviewTicket Ticket { get; init; }
}
