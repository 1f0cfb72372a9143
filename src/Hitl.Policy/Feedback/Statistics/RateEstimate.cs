namespace Hitl.Policy.Feedback;

/// <summary>
/// An observed proportion with its two-sided confidence interval: <see cref="Successes"/> of <see cref="Trials"/>.
/// With no trials the rate is unknown (<see langword="null"/>) and the interval is the whole of [0, 1].
/// </summary>
/// <param name="Successes">How many trials counted (agreements, or errors for an error rate).</param>
/// <param name="Trials">How many trials there were.</param>
/// <param name="Rate">The point estimate <c>Successes / Trials</c>, or <see langword="null"/> without trials.</param>
/// <param name="Lower">The interval's lower end, in [0, 1].</param>
/// <param name="Upper">The interval's upper end, in [0, 1].</param>
public sealed record RateEstimate(int Successes, int Trials, double? Rate, double Lower, double Upper)
{
    /// <summary>Estimates a proportion with a two-sided interval.</summary>
    /// <param name="successes">How many trials counted.</param>
    /// <param name="trials">How many trials there were.</param>
    /// <param name="confidence">The interval's confidence level, in (0, 1), for example 0.95.</param>
    /// <param name="method">How the interval is computed.</param>
    /// <returns>The estimate.</returns>
    public static RateEstimate Of(int successes, int trials, double confidence, IntervalMethod method)
    {
        var (lower, upper) = BinomialInterval.TwoSided(successes, trials, confidence, method);
        return new RateEstimate(successes, trials, trials == 0 ? null : (double)successes / trials, lower, upper);
    }

    /// <summary>Formats the estimate as <c>98.7% [97.9%, 99.3%] (n=812)</c>, or <c>n/a (n=0)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Rate is { } rate
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{rate:0.0%} [{Lower:0.0%}, {Upper:0.0%}] (n={Trials})")
        : "n/a (n=0)";
}
