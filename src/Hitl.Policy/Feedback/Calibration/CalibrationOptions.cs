using System.Globalization;

namespace Hitl.Policy.Feedback;

/// <summary>Settings of <see cref="Calibrator"/>: the target a threshold must meet and how the evidence is read.</summary>
public sealed class CalibrationOptions
{
    /// <summary>The agreement rate a confidence threshold must meet for auto-execution, in (0, 1).</summary>
    /// <value>The default value is 0.99.</value>
    public double Target { get; set; } = 0.99;

    /// <summary>
    /// The confidence level, in (0, 1). Intervals in the report are two-sided at this level; a recommendation needs the
    /// one-sided lower bound at this level to meet <see cref="Target"/> ("at least 99% with 95% confidence").
    /// </summary>
    /// <value>The default value is 0.95.</value>
    public double Confidence { get; set; } = 0.95;

    /// <summary>
    /// How intervals and bounds are computed. Clopper–Pearson never falls below the stated confidence, so an autonomy
    /// change rests on a guaranteed bound; Wilson is narrower and close to nominal.
    /// </summary>
    /// <value>The default value is <see cref="IntervalMethod.ClopperPearson"/>.</value>
    public IntervalMethod Method { get; set; } = IntervalMethod.ClopperPearson;

    /// <summary>
    /// The fewest judged cases at or above a threshold before that threshold may be recommended. A threshold below the
    /// current one (more autonomy) is never proposed on fewer.
    /// </summary>
    /// <value>The default value is 200.</value>
    public int MinimumSample { get; set; } = 200;

    /// <summary>The spacing of the candidate thresholds, tested from 1 downwards.</summary>
    /// <value>The default value is 0.01.</value>
    public double ThresholdStep { get; set; } = 0.01;

    /// <summary>The lowest threshold ever recommended, whatever the evidence.</summary>
    /// <value>The default value is 0.5.</value>
    public double LowestThreshold { get; set; } = 0.5;

    /// <summary>
    /// The most a single proposal lowers an existing auto-execute threshold, so that autonomy grows in steps, each
    /// watched before the next; <see langword="null"/> for no limit. The recommended threshold still reports what the
    /// evidence supports. Every threshold between the current and the recommended one passed the same test, so the
    /// capped one is as well supported.
    /// </summary>
    /// <value>The default value is 0.1.</value>
    public double? MaxLooseningStep { get; set; } = 0.1;

    /// <summary>Where the report's confidence bands come from.</summary>
    /// <value>The default value is <see cref="BandSource.Policy"/>.</value>
    public BandSource Bands { get; set; } = BandSource.Policy;

    /// <summary>The width of fixed-width bands.</summary>
    /// <value>The default value is 0.1.</value>
    public double BandWidth { get; set; } = 0.1;

    /// <summary>Checks every setting and names the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        Open(Target, nameof(Target), "(0, 1), for example 0.99");
        Open(Confidence, nameof(Confidence), "(0, 1), for example 0.95");
        if (MinimumSample < 1)
        {
            throw Error(nameof(MinimumSample), MinimumSample, "at least 1");
        }

        if (!(ThresholdStep >= 0.001 && ThresholdStep <= 0.5))
        {
            throw Error(nameof(ThresholdStep), ThresholdStep, "[0.001, 0.5]");
        }

        if (!(LowestThreshold >= 0 && LowestThreshold < 1))
        {
            throw Error(nameof(LowestThreshold), LowestThreshold, "[0, 1)");
        }

        if (MaxLooseningStep is { } step && !(step > 0 && step <= 1))
        {
            throw Error(nameof(MaxLooseningStep), step, "(0, 1], or null for no limit");
        }

        if (!(BandWidth >= 0.01 && BandWidth <= 1))
        {
            throw Error(nameof(BandWidth), BandWidth, "[0.01, 1]");
        }

        if (!Enum.IsDefined(Method))
        {
            throw Error(nameof(Method), Method, "wilson or clopper-pearson");
        }

        if (!Enum.IsDefined(Bands))
        {
            throw Error(nameof(Bands), Bands, "policy or fixed-width");
        }
    }

    private static void Open(double value, string name, string range)
    {
        if (!(value > 0 && value < 1))
        {
            throw Error(name, value, range);
        }
    }

    private static ArgumentOutOfRangeException Error(string name, object value, string range) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"CalibrationOptions.{name} must lie in {range}; it is {value}"));
}
