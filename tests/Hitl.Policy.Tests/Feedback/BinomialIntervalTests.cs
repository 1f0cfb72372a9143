using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class BinomialIntervalTests
{
    [Fact]
    public void Wilson_matches_the_textbook_interval_for_5_of_10()
    {
        var (lower, upper) = BinomialInterval.TwoSided(5, 10, 0.95, IntervalMethod.Wilson);
        Assert.Equal(0.2366, lower, 4);
        Assert.Equal(0.7634, upper, 4);
    }

    [Fact]
    public void Clopper_Pearson_matches_the_textbook_interval_for_5_of_10()
    {
        var (lower, upper) = BinomialInterval.TwoSided(5, 10, 0.95, IntervalMethod.ClopperPearson);
        Assert.Equal(0.1871, lower, 4);
        Assert.Equal(0.8129, upper, 4);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(299)]
    [InlineData(5000)]
    public void Clopper_Pearson_matches_its_closed_form_at_the_edges(int n)
    {
        // With no successes the upper end solves (1 - p)^n = alpha / 2; with all successes the lower end solves p^n = alpha / 2.
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / n), BinomialInterval.TwoSided(0, n, 0.95, IntervalMethod.ClopperPearson).Upper, 6);
        Assert.Equal(Math.Pow(0.025, 1.0 / n), BinomialInterval.TwoSided(n, n, 0.95, IntervalMethod.ClopperPearson).Lower, 6);
        Assert.Equal(Math.Pow(0.05, 1.0 / n), BinomialInterval.LowerBound(n, n, 0.95, IntervalMethod.ClopperPearson), 6);
    }

    [Theory]
    [InlineData(IntervalMethod.ClopperPearson, 299)]
    [InlineData(IntervalMethod.Wilson, 268)]
    public void The_smallest_unblemished_sample_that_shows_99_percent_at_95_percent_confidence(IntervalMethod method, int n)
    {
        Assert.True(BinomialInterval.LowerBound(n, n, 0.95, method) >= 0.99);
        Assert.True(BinomialInterval.LowerBound(n - 1, n - 1, 0.95, method) < 0.99);
    }

    [Fact]
    public void No_trials_give_the_whole_unit_interval()
    {
        Assert.Equal((0.0, 1.0), BinomialInterval.TwoSided(0, 0, 0.95, IntervalMethod.Wilson));
        Assert.Null(RateEstimate.Of(0, 0, 0.95, IntervalMethod.Wilson).Rate);
        Assert.Equal(0, BinomialInterval.LowerBound(0, 0, 0.95, IntervalMethod.ClopperPearson));
        Assert.Equal(1, BinomialInterval.UpperBound(0, 0, 0.95, IntervalMethod.ClopperPearson));
    }

    [Fact]
    public void Bad_arguments_name_the_argument_and_the_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.TwoSided(11, 10, 0.95, IntervalMethod.Wilson));
        Assert.Equal("successes", e.ParamName);
        Assert.Equal(11, e.ActualValue);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.LowerBound(1, 2, 1.0, IntervalMethod.Wilson)).ParamName);
    }

    public static class Inputs
    {
        public static Arbitrary<(int X, int N, double Confidence, IntervalMethod Method)> Samples() =>
            (from n in Gen.Choose(1, 5000)
             from x in Gen.Choose(0, n)
             from confidence in Gen.Elements(0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
             from method in Gen.Elements(IntervalMethod.Wilson, IntervalMethod.ClopperPearson)
             select (x, n, confidence, method)).ToArbitrary();
    }

    [Property(MaxTest = 2000, Arbitrary = [typeof(Inputs)])]
    public bool Every_interval_lies_in_the_unit_interval_and_contains_the_point_estimate((int X, int N, double Confidence, IntervalMethod Method) s)
    {
        var (lower, upper) = BinomialInterval.TwoSided(s.X, s.N, s.Confidence, s.Method);
        var estimate = (double)s.X / s.N;
        return lower >= 0 && upper <= 1 && lower <= estimate && estimate <= upper;
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(Inputs)])]
    public bool A_one_sided_bound_is_tighter_than_the_two_sided_interval_at_the_same_level((int X, int N, double Confidence, IntervalMethod Method) s)
    {
        var (lower, upper) = BinomialInterval.TwoSided(s.X, s.N, s.Confidence, s.Method);
        return BinomialInterval.LowerBound(s.X, s.N, s.Confidence, s.Method) >= lower - 1e-12
            && BinomialInterval.UpperBound(s.X, s.N, s.Confidence, s.Method) <= upper + 1e-12;
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(Inputs)])]
    public bool One_more_success_never_lowers_the_lower_bound((int X, int N, double Confidence, IntervalMethod Method) s) =>
        s.X == s.N || BinomialInterval.LowerBound(s.X + 1, s.N, s.Confidence, s.Method) >= BinomialInterval.LowerBound(s.X, s.N, s.Confidence, s.Method) - 1e-12;
}
