namespace Hitl.Policy.Feedback;

/// <summary>One case on which the candidate policy would have decided differently from the active one.</summary>
public sealed record ShadowDifference
{
    /// <summary>The case id (joins with the audit trail).</summary>
    public required string CaseId { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>How the decisions differ.</summary>
    public required ShadowDifferenceKind Kind { get; init; }

    /// <summary>The active policy's route (the one that applied).</summary>
    public required RouteLevel ActiveRoute { get; init; }

    /// <summary>The candidate's route; <see langword="null"/> when it threw.</summary>
    public RouteLevel? CandidateRoute { get; init; }

    /// <summary>The active policy's required reviewer tier's name.</summary>
    public string? ActiveTier { get; init; }

    /// <summary>The candidate's required reviewer tier's name.</summary>
    public string? CandidateTier { get; init; }

    /// <summary>The rule that set the active route.</summary>
    public string? ActiveDecidedBy { get; init; }

    /// <summary>The rule that set the candidate's route.</summary>
    public string? CandidateDecidedBy { get; init; }
}
