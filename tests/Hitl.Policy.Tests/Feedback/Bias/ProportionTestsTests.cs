using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback.Bias;

/// <summary>
/// The pure statistics behind the segment report. Reference values: the exact two-sided Fisher p-values were computed
/// with exact rational arithmetic (binomial coefficients as big integers), erfc with a libm.
/// </summary>
public sealed class ProportionTestsTests
{
    [Theory]
    [InlineData(3, 1, 1, 3, 0.4857142857142857)]
    [InlineData(1, 9, 11, 3, 0.0027594561852200836)]
    [InlineData(2, 3, 4, 1, 0.5238095238095238)]
    [InlineData(0, 5, 5, 0, 0.007936507936507936)]
    [InlineData(1200, 800, 1100, 900, 0.0015395077387717407)]
    [InlineData(1400, 600, 980, 1020, 7.338899248839321e-42)]
    public void Fisher_matches_the_exact_two_sided_p_value(int a, int b, int c, int d, double expected)
    {
        var p = ProportionTests.FisherExact(a, b, c, d);
        Assert.Equal(expected, p, expected * 1e-9);
        Assert.Equal(p, ProportionTests.FisherExact(d, c, b, a), p * 1e-9); // the test is symmetric in the table's layout
        Assert.Equal(p, ProportionTests.FisherExact(a, c, b, d), p * 1e-9);
    }

    [Fact]
    public void The_textbook_tables_give_their_published_values()
    {
        Assert.Equal(0.4857142857, ProportionTests.FisherExact(3, 1, 1, 3), 10);
        Assert.Equal(0.002759456, ProportionTests.FisherExact(1, 9, 11, 3), 9);
    }

    [Fact]
    public void A_table_without_variation_gives_1()
    {
        Assert.Equal(1, ProportionTests.FisherExact(0, 10, 0, 10));
        Assert.Equal(1, ProportionTests.FisherExact(0, 0, 0, 0));
        Assert.Equal(1, ProportionTests.TwoProportionZ(0, 10, 0, 10));
        Assert.Equal(1, ProportionTests.TwoProportionZ(0, 0, 3, 10));
    }

    [Fact]
    public void With_large_margins_Fisher_and_the_z_test_agree()
    {
        // 1200 of 2000 against 1100 of 2000: z = 3.20; the z test's p is 0.001382, Fisher's 0.001540.
        var z = ProportionTests.TwoProportionZ(1200, 2000, 1100, 2000);
        var fisher = ProportionTests.FisherExact(1200, 800, 1100, 900);
        Assert.Equal(0.0013816125257326102, z, 1e-12);
        Assert.InRange(fisher / z, 1.0, 1.15);

        // Close to no difference both are large and close together.
        var zNull = ProportionTests.TwoProportionZ(1010, 2000, 1000, 2000);
        var fisherNull = ProportionTests.FisherExact(1010, 990, 1000, 1000);
        Assert.InRange(zNull, 0.7, 0.8);
        Assert.InRange(fisherNull - zNull, 0, 0.05);
    }

    [Fact]
    public void The_choice_of_test_follows_the_expected_cells()
    {
        // Expected successes of the small sample: 10 * 4 / 110 < 5.
        var small = ProportionTests.TwoSided(1, 10, 3, 100);
        Assert.Equal(ProportionTests.Fisher, small.Method);
        Assert.Equal(ProportionTests.FisherExact(1, 9, 3, 97), small.PValue);

        var large = ProportionTests.TwoSided(60, 100, 40, 100);
        Assert.Equal(ProportionTests.Z, large.Method);
        Assert.Equal(ProportionTests.TwoProportionZ(60, 100, 40, 100), large.PValue);
    }

    [Theory]
    [InlineData(0.1, 0.8875370839817152)]
    [InlineData(1, 0.15729920705028513)]
    [InlineData(2, 0.004677734981047265)]
    [InlineData(3, 2.2090496998585438e-05)]
    [InlineData(5, 1.5374597944280351e-12)]
    [InlineData(10, 2.088487583762545e-45)]
    [InlineData(20, 5.3958656116079005e-176)]
    public void Erfc_is_accurate_also_in_the_far_tail(double x, double expected)
    {
        Assert.Equal(expected, SpecialFunctions.Erfc(x), expected * 1e-11);
        Assert.Equal(2 - expected, SpecialFunctions.Erfc(-x), 1e-15);
        Assert.Equal(1 - (expected / 2), SpecialFunctions.NormalCdf(x * Math.Sqrt(2)), 1e-14);
    }

    [Fact]
    public void Holm_matches_the_worked_example()
    {
        var adjusted = ProportionTests.Holm([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
        Assert.Empty(ProportionTests.Holm([]));
        Assert.Equal([1.0, 1.0], ProportionTests.Holm([0.6, 0.9]));
    }

    [Property(MaxTest = 500, Arbitrary = [typeof(Inputs)])]
    public bool Holm_is_capped_at_1_at_least_the_raw_p_value_and_monotone_in_the_sorted_order(double[] p)
    {
        var adjusted = ProportionTests.Holm(p);
        var sorted = Enumerable.Range(0, p.Length).OrderBy(i => p[i]).ToArray();
        for (var rank = 0; rank < sorted.Length; rank++)
        {
            var i = sorted[rank];
            if (adjusted[i] > 1 || adjusted[i] < p[i] || adjusted[i] < Math.Min(1, p.Length * p.Min()) - 1e-15)
            {
                return false;
            }

            if (rank > 0 && adjusted[i] < adjusted[sorted[rank - 1]])
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Inputs)])]
    public bool Fisher_is_a_probability_and_never_below_the_observed_tables_own((int A, int B, int C, int D) t)
    {
        var p = ProportionTests.FisherExact(t.A, t.B, t.C, t.D);
        var r1 = t.A + t.B;
        var r2 = t.C + t.D;
        var c1 = t.A + t.C;
        var n = r1 + r2;
        var own = Math.Exp(LogChoose(r1, t.A) + LogChoose(r2, t.C) - LogChoose(n, c1));
        return p >= 0 && p <= 1 && p >= own * (1 - 1e-9) && (own == 0 || p > 0);
    }

    [Fact]
    public void Bad_counts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionTests.FisherExact(-1, 2, 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionTests.TwoProportionZ(11, 10, 1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionTests.Holm([0.5, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProportionTests.Holm([1.5]));
    }

    private static double LogChoose(int n, int k) =>
        SpecialFunctions.LogFactorial(n) - SpecialFunctions.LogFactorial(k) - SpecialFunctions.LogFactorial(n - k);

    public static class Inputs
    {
        public static Arbitrary<double[]> PValues() =>
            Gen.Choose(0, 40).SelectMany(m => Gen.ArrayOf(
                Gen.OneOf(Gen.Choose(0, 1_000_000).Select(i => i / 1_000_000.0), Gen.Elements(0.0, 1.0, 0.05, 0.01)), m)).ToArbitrary();

        public static Arbitrary<(int A, int B, int C, int D)> Tables() =>
            (from size in Gen.Elements(5, 30, 300, 3000)
             from a in Gen.Choose(0, size)
             from b in Gen.Choose(0, size)
             from c in Gen.Choose(0, size)
             from d in Gen.Choose(0, size)
             select (a, b, c, d)).ToArbitrary();
    }
}
