namespace Hitl.Policy.Feedback;

/// <summary>
/// The Cochran–Armitage test for a trend in proportions across ordered groups (here: time windows), with the
/// window's index as its score. A large positive statistic means the proportion rises with time.
/// </summary>
internal static class TrendTest
{
    /// <summary>The z statistic; 0 when the proportions carry no information (all 0, all 1, or one group).</summary>
    /// <param name="events">Per window, how many events (overrides).</param>
    /// <param name="totals">Per window, how many trials (judged cases).</param>
    public static double CochranArmitage(IReadOnlyList<int> events, IReadOnlyList<int> totals)
    {
        double n = 0, x = 0, scoreSum = 0, scoreSquareSum = 0, statistic = 0;
        for (var i = 0; i < totals.Count; i++)
        {
            n += totals[i];
            x += events[i];
            scoreSum += (double)totals[i] * i;
            scoreSquareSum += (double)totals[i] * i * i;
        }

        if (n == 0)
        {
            return 0;
        }

        var pooled = x / n;
        for (var i = 0; i < totals.Count; i++)
        {
            statistic += i * (events[i] - (totals[i] * pooled));
        }

        var variance = pooled * (1 - pooled) * (scoreSquareSum - (scoreSum * scoreSum / n));
        return variance > 0 ? statistic / Math.Sqrt(variance) : 0;
    }
}
