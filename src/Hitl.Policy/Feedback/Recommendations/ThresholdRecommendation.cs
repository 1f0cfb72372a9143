namespace Hitl.Policy.Feedback;

/// <summary>
/// What the evidence supports as an action type's auto-execute confidence threshold (cases at or above it may run
/// without a person, as far as confidence goes; other rules still apply). Nothing is applied: <see cref="PolicyProposer"/>
/// turns recommendations into a policy change for a person to approve.
/// </summary>
public sealed record ThresholdRecommendation
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>What to do.</summary>
    public required RecommendationKind Kind { get; init; }

    /// <summary>
    /// The lowest confidence the policy auto-executes today: the lowest automatic band's minimum; 0 when the policy has no
    /// bands for the action type; <see langword="null"/> when no band auto-executes or no policy was given.
    /// </summary>
    public double? CurrentThreshold { get; init; }

    /// <summary>
    /// The lowest tested threshold whose agreement rate's one-sided lower bound meets the target, with at least the
    /// minimum sample at or above it; <see langword="null"/> when none does.
    /// </summary>
    public double? RecommendedThreshold { get; init; }

    /// <summary>
    /// The threshold a policy change would set: the recommended one when loosening (no further than
    /// <see cref="CalibrationOptions.MaxLooseningStep"/> below the current one), the raised one when tightening,
    /// the current one otherwise; <see langword="null"/> with <see cref="RecommendationKind.Tighten"/> means stop
    /// auto-executing this action type by confidence.
    /// </summary>
    public double? ProposedThreshold { get; init; }

    /// <summary>How many judged cases lie at or above the recommended threshold (0 when there is none).</summary>
    public int SampleSize { get; init; }

    /// <summary>The agreement rate at or above the recommended threshold, with its two-sided interval.</summary>
    public RateEstimate? Agreement { get; init; }

    /// <summary>The one-sided lower bound of that agreement rate that met the target.</summary>
    public double? LowerBound { get; init; }

    /// <summary>The agreement rate at or above the current threshold, with its two-sided interval.</summary>
    public RateEstimate? CurrentAgreement { get; init; }

    /// <summary>The one-sided upper bound of the current agreement rate; below the target it is evidence to tighten.</summary>
    public double? CurrentUpperBound { get; init; }

    /// <summary>Why, in a sentence a reviewer of the change can check.</summary>
    public required string Reason { get; init; }
}
