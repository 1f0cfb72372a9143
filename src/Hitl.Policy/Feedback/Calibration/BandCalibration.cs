namespace Hitl.Policy.Feedback;

/// <summary>The evidence for one confidence band of one action type.</summary>
public sealed record BandCalibration
{
    /// <summary>The band's rule id in the policy; <see langword="null"/> for fixed-width bands.</summary>
    public string? BandId { get; init; }

    /// <summary>The lowest confidence in the band (included).</summary>
    public required double Min { get; init; }

    /// <summary>The highest confidence of the band (excluded, unless it is 1).</summary>
    public required double Max { get; init; }

    /// <summary>The band's route in the policy; <see langword="null"/> for fixed-width bands.</summary>
    public RouteLevel? PolicyRoute { get; init; }

    /// <summary>Whether the band lies in the range the policy auto-executes today (at or above the current threshold).</summary>
    public bool IsAutomatic { get; init; }

    /// <summary>How many cases were decided with a confidence in the band.</summary>
    public int Volume { get; init; }

    /// <summary>How many of them were auto-executed (with or without notice).</summary>
    public int AutoExecuted { get; init; }

    /// <summary>How many went to a person (review, escalate).</summary>
    public int SentToPerson { get; init; }

    /// <summary>How many went to a higher tier: decided as escalate, or escalated by a reviewer.</summary>
    public int Escalated { get; init; }

    /// <summary><see cref="Escalated"/> over <see cref="Volume"/>; <see langword="null"/> without volume.</summary>
    public double? EscalationFrequency { get; init; }

    /// <summary>Human agreement: judged cases accepted as they were, with the two-sided interval.</summary>
    public required RateEstimate Agreement { get; init; }

    /// <summary>
    /// The auto path's error rate from its unbiased sample, with the two-sided interval: audits of sampled auto-executed
    /// decisions, and reviews of decisions the sample held for review (sampling mode <c>review</c>).
    /// </summary>
    public required RateEstimate AutoPathError { get; init; }

    /// <summary>
    /// Whether the band auto-executes and the one-sided upper bound of its agreement rate is below the target: the
    /// evidence says this band must tighten.
    /// </summary>
    public bool BelowTarget { get; init; }
}
