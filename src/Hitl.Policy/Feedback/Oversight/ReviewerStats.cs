namespace Hitl.Policy.Feedback;

/// <summary>How one reviewer reviews: volume, what they decided, how fast.</summary>
public sealed record ReviewerStats
{
    /// <summary>The reviewer's id (the audit records' actor).</summary>
    public required string Reviewer { get; init; }

    /// <summary>How many review tickets they answered (approve, edit, reject, escalate).</summary>
    public int Reviews { get; init; }

    /// <summary>Approved as it was.</summary>
    public int Approved { get; init; }

    /// <summary>Edited, then approved.</summary>
    public int Edited { get; init; }

    /// <summary>Rejected.</summary>
    public int Rejected { get; init; }

    /// <summary>Sent to the next tier.</summary>
    public int Escalated { get; init; }

    /// <summary>Auto-executed decisions they overrode or reversed after the fact.</summary>
    public int OverridesOfAutomatic { get; init; }

    /// <summary>Cases they approved that were later overridden, reversed or failed an audit.</summary>
    public int ApprovalsLaterOverridden { get; init; }

    /// <summary>Approved over reviews.</summary>
    public double? AgreementRate { get; init; }

    /// <summary>Edited or rejected over reviews: how often they did not accept the model's output.</summary>
    public double? OverrideRate { get; init; }

    /// <summary>Escalated over reviews.</summary>
    public double? EscalationRate { get; init; }

    /// <summary>The median time from hand-over (decision or escalation) to their answer, in seconds.</summary>
    public double? MedianReviewSeconds { get; init; }

    /// <summary>The 90th percentile (nearest rank) of that time, in seconds.</summary>
    public double? P90ReviewSeconds { get; init; }
}
