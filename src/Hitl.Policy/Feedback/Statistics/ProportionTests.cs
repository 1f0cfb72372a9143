namespace Hitl.Policy.Feedback;

/// <summary>
/// Two-sided tests that two binomial proportions are equal, and Holm's step-down adjustment of a family of p-values.
/// Written out (log-factorials, the complementary error function) so that no numerics package is required.
/// </summary>
internal static class ProportionTests
{
    /// <summary>The name of Fisher's exact test, as reports carry it.</summary>
    public const string Fisher = "fisher-exact";

    /// <summary>The name of the pooled two-proportion z test, as reports carry it.</summary>
    public const string Z = "two-proportion-z";

    /// <summary>Below this expected count in any cell of the 2×2 table, the normal approximation is not trusted.</summary>
    public const double MinimumExpectedCell = 5;

    // Tables whose probability is within this relative distance of the observed table's count as "as extreme":
    // without it, rounding in the log-factorials could leave out a table exactly as likely as the observed one.
    private const double RelativeTolerance = 1e-7;

    /// <summary>
    /// Fisher's exact test of the 2×2 table [[a, b], [c, d]], two-sided: the probability, under the hypergeometric
    /// distribution with the table's margins fixed, of every table no more likely than the observed one.
    /// </summary>
    /// <returns>The p-value, in [0, 1]; 0 only when it is below the smallest double (about 1e-308).</returns>
    public static double FisherExact(int a, int b, int c, int d)
    {
        if (a < 0 || b < 0 || c < 0 || d < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(a), $"the cells of a 2x2 table are counts, at least 0: [[{a}, {b}], [{c}, {d}]]");
        }

        // The table is fixed by its top-left cell x once the margins are: row 1 = a + b, column 1 = a + c.
        var row1 = a + b;
        var row2 = c + d;
        var column1 = a + c;
        var n = row1 + row2;
        var low = Math.Max(0, column1 - row2);
        var high = Math.Min(row1, column1);
        if (low == high)
        {
            return 1;
        }

        // ln P(x) up to the constant ln(row1! row2! column1! column2! / n!), which cancels in the ratio below.
        double LogWeight(int x) => -(SpecialFunctions.LogFactorial(x) + SpecialFunctions.LogFactorial(row1 - x)
            + SpecialFunctions.LogFactorial(column1 - x) + SpecialFunctions.LogFactorial(row2 - column1 + x));

        var weights = new double[high - low + 1];
        var peak = double.NegativeInfinity;
        for (var x = low; x <= high; x++)
        {
            weights[x - low] = LogWeight(x);
            peak = Math.Max(peak, weights[x - low]);
        }

        // Scaled by the most likely table so that nothing underflows; the scale cancels between the two sums.
        var observed = Math.Exp(weights[a - low] - peak);
        double total = 0, extreme = 0;
        foreach (var weight in weights)
        {
            var p = Math.Exp(weight - peak);
            total += p;
            if (p <= observed * (1 + RelativeTolerance))
            {
                extreme += p;
            }
        }

        return Math.Min(1, extreme / total);
    }

    /// <summary>
    /// The pooled two-proportion z test, two-sided: z = (p1 − p2) / √(p (1 − p) (1/n1 + 1/n2)) with p the pooled
    /// proportion, and the p-value P(|Z| ≥ |z|). 1 when a sample is empty or the pooled proportion is 0 or 1.
    /// </summary>
    /// <returns>The p-value, in [0, 1].</returns>
    public static double TwoProportionZ(int x1, int n1, int x2, int n2)
    {
        Check(x1, n1, x2, n2);
        if (n1 == 0 || n2 == 0)
        {
            return 1;
        }

        var pooled = (double)(x1 + x2) / (n1 + n2);
        var variance = pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2));
        if (!(variance > 0))
        {
            return 1;
        }

        var z = (((double)x1 / n1) - ((double)x2 / n2)) / Math.Sqrt(variance);
        return Math.Min(1, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
    }

    /// <summary>
    /// Compares x1 of n1 with x2 of n2, two-sided: Fisher's exact test when any expected cell of the 2×2 table
    /// (successes and failures by sample, under the pooled proportion) is below <see cref="MinimumExpectedCell"/>, else
    /// the pooled two-proportion z test.
    /// </summary>
    /// <returns>The p-value and the name of the test used (<see cref="Fisher"/> or <see cref="Z"/>).</returns>
    public static (double PValue, string Method) TwoSided(int x1, int n1, int x2, int n2)
    {
        Check(x1, n1, x2, n2);
        var n = (double)n1 + n2;
        var successes = (double)x1 + x2;
        var failures = n - successes;
        var smallest = n == 0 ? 0 : Math.Min(Math.Min(n1, n2) * successes / n, Math.Min(n1, n2) * failures / n);
        return smallest < MinimumExpectedCell
            ? (FisherExact(x1, n1 - x1, x2, n2 - x2), Fisher)
            : (TwoProportionZ(x1, n1, x2, n2), Z);
    }

    /// <summary>
    /// Holm's step-down adjustment: with the m p-values sorted ascending, the i-th (from 1) becomes
    /// max over j ≤ i of min(1, (m − j + 1) p(j)). Rejecting where the adjusted p-value is below α keeps the
    /// family-wise error rate at α whatever the dependence between the tests.
    /// </summary>
    /// <param name="pValues">The family's p-values, in any order.</param>
    /// <returns>The adjusted p-values, in the same order as <paramref name="pValues"/>.</returns>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            var p = pValues[order[rank]];
            if (double.IsNaN(p) || p < 0 || p > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(pValues), p, "a p-value must lie in [0, 1]");
            }

            running = Math.Max(running, Math.Min(1, (m - rank) * p));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }

    private static void Check(int x1, int n1, int x2, int n2)
    {
        if (n1 < 0 || x1 < 0 || x1 > n1)
        {
            throw new ArgumentOutOfRangeException(nameof(x1), x1, $"x1 must lie in [0, n1 = {n1}] and n1 must be at least 0");
        }

        if (n2 < 0 || x2 < 0 || x2 > n2)
        {
            throw new ArgumentOutOfRangeException(nameof(x2), x2, $"x2 must lie in [0, n2 = {n2}] and n2 must be at least 0");
        }
    }
}
