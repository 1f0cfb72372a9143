namespace Hitl.Policy.Feedback;

/// <summary>The evidence for one action type: totals, per-band figures and the threshold recommendation.</summary>
public sealed record ActionCalibration
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>How many cases were decided.</summary>
    public int Volume { get; init; }

    /// <summary>How many of them recorded no confidence, or one outside [0, 1] (counted here, in no band or threshold).</summary>
    public int WithoutConfidence { get; init; }

    /// <summary>Human agreement over every judged case, with the two-sided interval.</summary>
    public required RateEstimate Agreement { get; init; }

    /// <summary>The auto path's error rate from its unbiased sample (see <see cref="BandCalibration.AutoPathError"/>), with the two-sided interval.</summary>
    public required RateEstimate AutoPathError { get; init; }

    /// <summary>The share of cases that went to a higher tier; <see langword="null"/> without volume.</summary>
    public double? EscalationFrequency { get; init; }

    /// <summary>The figures per confidence band, lowest band first.</summary>
    public required IReadOnlyList<BandCalibration> Bands { get; init; }

    /// <summary>What the evidence says about the auto-execute threshold.</summary>
    public required ThresholdRecommendation Recommendation { get; init; }
}
