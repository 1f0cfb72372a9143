namespace Hitl.Policy.Feedback;

/// <summary>
/// How often one action type's automatic path was wrong, from the unbiased window onto it: auto-executed decisions
/// drawn by the audit sample and then audited, and would-be automatic decisions the sample held for a person.
/// </summary>
public sealed record AutoPathErrorRate
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>Failed audits (or rejected, edited, overridden held samples) of all audited: the error rate with its interval.</summary>
    public required RateEstimate Errors { get; init; }

    /// <summary>The error rate the auto path may have at most (<see cref="OversightOptions.MaxAutoErrorRate"/>).</summary>
    public double Bound { get; init; }

    /// <summary>
    /// Whether the rate crossed its bound: the interval's lower end lies above <see cref="Bound"/>, so the evidence says
    /// the auto path errs more often than allowed (a single failure among few audits does not).
    /// </summary>
    public bool Flagged { get; init; }
}
