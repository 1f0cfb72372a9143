namespace Hitl.Policy.Feedback;

/// <summary>
/// Confidence intervals and one-sided bounds for a binomial proportion. Every interval lies in [0, 1] and contains
/// the point estimate.
/// </summary>
public static class BinomialInterval
{
    /// <summary>A two-sided interval at the given confidence level.</summary>
    /// <param name="successes">How many trials counted, 0 to <paramref name="trials"/>.</param>
    /// <param name="trials">How many trials there were, at least 0.</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <param name="method">How the interval is computed.</param>
    /// <returns>The lower and upper ends; [0, 1] without trials.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count or the confidence level is out of range.</exception>
    public static (double Lower, double Upper) TwoSided(int successes, int trials, double confidence, IntervalMethod method)
    {
        Check(successes, trials, confidence);
        if (trials == 0)
        {
            return (0, 1);
        }

        var alpha = 1 - confidence;
        return (Bound(successes, trials, alpha / 2, lower: true, method), Bound(successes, trials, alpha / 2, lower: false, method));
    }

    /// <summary>
    /// A one-sided lower confidence bound: with the given confidence, the true proportion is at least this. This is the
    /// bound a threshold recommendation must clear ("at least 99% with 95% confidence").
    /// </summary>
    /// <param name="successes">How many trials counted.</param>
    /// <param name="trials">How many trials there were.</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <param name="method">How the bound is computed.</param>
    /// <returns>The bound; 0 without trials.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count or the confidence level is out of range.</exception>
    public static double LowerBound(int successes, int trials, double confidence, IntervalMethod method)
    {
        Check(successes, trials, confidence);
        return trials == 0 ? 0 : Bound(successes, trials, 1 - confidence, lower: true, method);
    }

    /// <summary>A one-sided upper confidence bound: with the given confidence, the true proportion is at most this.</summary>
    /// <param name="successes">How many trials counted.</param>
    /// <param name="trials">How many trials there were.</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    /// <param name="method">How the bound is computed.</param>
    /// <returns>The bound; 1 without trials.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count or the confidence level is out of range.</exception>
    public static double UpperBound(int successes, int trials, double confidence, IntervalMethod method)
    {
        Check(successes, trials, confidence);
        return trials == 0 ? 1 : Bound(successes, trials, 1 - confidence, lower: false, method);
    }

    /// <summary>One end of an interval whose tail beyond that end holds probability <paramref name="tail"/>.</summary>
    private static double Bound(int x, int n, double tail, bool lower, IntervalMethod method)
    {
        var estimate = (double)x / n;
        double bound;
        if (method == IntervalMethod.ClopperPearson)
        {
            // The exact bounds are quantiles of beta distributions: Beta(x, n-x+1) below, Beta(x+1, n-x) above.
            bound = lower
                ? (x == 0 ? 0 : SpecialFunctions.InverseRegularizedBeta(tail, x, n - x + 1))
                : (x == n ? 1 : SpecialFunctions.InverseRegularizedBeta(1 - tail, x + 1, n - x));
        }
        else
        {
            var z = SpecialFunctions.NormalQuantile(1 - tail);
            var z2 = z * z;
            var denominator = 1 + (z2 / n);
            var centre = (estimate + (z2 / (2.0 * n))) / denominator;
            var half = z / denominator * Math.Sqrt((estimate * (1 - estimate) / n) + (z2 / (4.0 * n * n)));
            bound = lower ? centre - half : centre + half;
        }

        // Rounding may leave an end a hair on the wrong side of the estimate or of [0, 1]; the law holds exactly.
        return lower ? Math.Clamp(Math.Min(bound, estimate), 0, 1) : Math.Clamp(Math.Max(bound, estimate), 0, 1);
    }

    private static void Check(int successes, int trials, double confidence)
    {
        if (trials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be at least 0");
        }

        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must lie in [0, trials = {trials}]");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie in (0, 1), for example 0.95");
        }
    }
}
