using System.Globalization;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Settings of <see cref="OversightAnalyzer"/>: when a reviewer looks like a rubber stamp, when an override rate drifts,
/// and when the auto path errs too often.
/// </summary>
public sealed class OversightOptions
{
    /// <summary>The fewest reviews (or judged cases) a reviewer, rule or action type needs before it is judged at all.</summary>
    /// <value>The default value is 30.</value>
    public int MinimumReviews { get; set; } = 30;

    /// <summary>A reviewer is fast when their median review time is below this share of their peers' median.</summary>
    /// <value>The default value is 0.25.</value>
    public double RubberStampSpeedRatio { get; set; } = 0.25;

    /// <summary>A fast reviewer is a rubber stamp when they edit or reject at most this share of their reviews (and less than their peers).</summary>
    /// <value>The default value is 0.01.</value>
    public double RubberStampMaxOverrideRate { get; set; } = 0.01;

    /// <summary>The width of the time windows an override rate is compared across.</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan DriftWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The family-wise significance level of the drift tests (split evenly over every group tested).</summary>
    /// <value>The default value is 0.01.</value>
    public double DriftSignificance { get; set; } = 0.01;

    /// <summary>The least rise, from the first to the last window with data, for a significant trend to count as drift.</summary>
    /// <value>The default value is 0.05 (five percentage points).</value>
    public double DriftMinimumIncrease { get; set; } = 0.05;

    /// <summary>The error rate the auto path of an action type may have at most, as its audit sample measures it.</summary>
    /// <value>The default value is 0.02.</value>
    public double MaxAutoErrorRate { get; set; } = 0.02;

    /// <summary>The confidence level of the auto path's error-rate interval (its lower end must pass <see cref="MaxAutoErrorRate"/> to flag).</summary>
    /// <value>The default value is 0.95.</value>
    public double Confidence { get; set; } = 0.95;

    /// <summary>The settings of the bias-by-segment section (<see cref="SegmentAnalyzer"/>); checked with these.</summary>
    /// <value>The default value is a <see cref="SegmentOptions"/> with its defaults.</value>
    public SegmentOptions Segments { get; set; } = new();

    /// <summary>How the intervals are computed.</summary>
    /// <value>The default value is <see cref="IntervalMethod.Wilson"/>.</value>
    public IntervalMethod Method { get; set; } = IntervalMethod.Wilson;

    /// <summary>Checks every setting and names the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (MinimumReviews < 1)
        {
            throw Error(nameof(MinimumReviews), MinimumReviews, "at least 1");
        }

        if (!(RubberStampSpeedRatio > 0 && RubberStampSpeedRatio <= 1))
        {
            throw Error(nameof(RubberStampSpeedRatio), RubberStampSpeedRatio, "(0, 1]");
        }

        if (!(RubberStampMaxOverrideRate >= 0 && RubberStampMaxOverrideRate < 1))
        {
            throw Error(nameof(RubberStampMaxOverrideRate), RubberStampMaxOverrideRate, "[0, 1)");
        }

        if (DriftWindow <= TimeSpan.Zero)
        {
            throw Error(nameof(DriftWindow), DriftWindow, "more than zero");
        }

        if (!(DriftSignificance > 0 && DriftSignificance < 0.5))
        {
            throw Error(nameof(DriftSignificance), DriftSignificance, "(0, 0.5)");
        }

        if (!(DriftMinimumIncrease >= 0 && DriftMinimumIncrease < 1))
        {
            throw Error(nameof(DriftMinimumIncrease), DriftMinimumIncrease, "[0, 1)");
        }

        if (!(MaxAutoErrorRate >= 0 && MaxAutoErrorRate < 1))
        {
            throw Error(nameof(MaxAutoErrorRate), MaxAutoErrorRate, "[0, 1)");
        }

        if (!(Confidence > 0 && Confidence < 1))
        {
            throw Error(nameof(Confidence), Confidence, "(0, 1)");
        }

        if (Segments is null)
        {
            throw new ArgumentNullException(nameof(Segments), "OversightOptions.Segments must be set; it is null");
        }

        Segments.Validate();
    }

    private static ArgumentOutOfRangeException Error(string name, object value, string range) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"OversightOptions.{name} must be {range}; it is {value}"));
}
