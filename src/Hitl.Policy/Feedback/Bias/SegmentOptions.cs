using System.Globalization;

namespace Hitl.Policy.Feedback;

/// <summary>Settings of <see cref="SegmentAnalyzer"/>: which segments are compared, and when a difference between them is a finding.</summary>
public sealed class SegmentOptions
{
    /// <summary>
    /// The fewest trials (the rate's denominator: cases for the auto-execute rate, answered reviews for the approval rate)
    /// a segment value needs before it is tested at all.
    /// </summary>
    /// <value>The default value is 30.</value>
    public int MinimumSample { get; set; } = 30;

    /// <summary>
    /// A finding needs a value's rate to be below this share of the reference value's rate (the four-fifths rule of
    /// adverse impact); 1 lets the significance test alone decide. In (0, 1].
    /// </summary>
    /// <value>The default value is 0.8.</value>
    public double FourFifths { get; set; } = 0.8;

    /// <summary>The family-wise significance level: Holm's adjustment runs over every test in the report. In (0, 0.5).</summary>
    /// <value>The default value is 0.05.</value>
    public double Significance { get; set; } = 0.05;

    /// <summary>The confidence level of the rates' intervals, in (0, 1).</summary>
    /// <value>The default value is 0.95.</value>
    public double Confidence { get; set; } = 0.95;

    /// <summary>How the rates' intervals are computed.</summary>
    /// <value>The default value is <see cref="IntervalMethod.Wilson"/>.</value>
    public IntervalMethod Method { get; set; } = IntervalMethod.Wilson;

    /// <summary>The segment names to analyse (ordinal); every name the cases carry when <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IList<string>? Segments { get; set; }

    /// <summary>Checks every setting and names the first that is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it and its value.</exception>
    public void Validate()
    {
        if (MinimumSample < 1)
        {
            throw Error(nameof(MinimumSample), MinimumSample, "at least 1");
        }

        if (!(FourFifths > 0 && FourFifths <= 1))
        {
            throw Error(nameof(FourFifths), FourFifths, "(0, 1]");
        }

        if (!(Significance > 0 && Significance < 0.5))
        {
            throw Error(nameof(Significance), Significance, "(0, 0.5)");
        }

        if (!(Confidence > 0 && Confidence < 1))
        {
            throw Error(nameof(Confidence), Confidence, "(0, 1)");
        }

        if (!Enum.IsDefined(Method))
        {
            throw Error(nameof(Method), Method, "wilson or clopper-pearson");
        }

        if (Segments is not null && Segments.Any(string.IsNullOrEmpty))
        {
            throw Error(nameof(Segments), "[" + string.Join(", ", Segments.Select(s => s is null ? "null" : $"\"{s}\"")) + "]", "a list of segment names, none null or empty");
        }
    }

    private static ArgumentOutOfRangeException Error(string name, object value, string range) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"SegmentOptions.{name} must be {range}; it is {value}"));
}
