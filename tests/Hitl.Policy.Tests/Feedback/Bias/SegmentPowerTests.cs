using Hitl.Policy.Feedback;
using Xunit.Abstractions;

namespace Hitl.Policy.Tests.Feedback.Bias;

/// <summary>
/// The segment report's operating characteristics over fixed seeds: 200 simulated trails of 2,000 cases per value of
/// three regions (north, south, west), about 6,000 cases a trail. The shares measured are written to the test output.
/// </summary>
/// <remarks>
/// Measured with these seeds: the automated disparity found in 200 of 200 trials, the human one in 200 of 200; without
/// a disparity, 0 of 200 trials with a finding at the default four-fifths ratio and 6 of 200 (3.0%) with the
/// p-values alone deciding (four-fifths 1.0). That last share has little room: the same null over 4,000 other seeds
/// gave 195 of 4,000 (4.9%), and the asymptotic family-wise error of Holm over these two groups of three pairs is
/// 4.5% (the pairs of a group are correlated, so Holm is only a little conservative here). A correct procedure can
/// therefore exceed 5% over some other set of 200 seeds (10 of 200 allowed, about 9 expected).
/// </remarks>
public sealed class SegmentPowerTests(ITestOutputHelper output)
{
    private const int Trials = 200;
    private const int PerValue = 2000;

    /// <summary>The shares measured with these seeds (see the remarks), kept here so that a change shows in review.</summary>
    internal const double MeasuredAutomatedDetection = 1.0, MeasuredHumanDetection = 1.0, MeasuredNullShare = 0.0, MeasuredNullShareAtRatio1 = 0.03;

    [Fact]
    public void A_planted_automated_disparity_at_a_ratio_of_0_7_is_found()
    {
        // south is auto-executed at 35% against 50%; the reviewers treat everyone alike.
        var share = Detection(1_000, [("north", 0.5, 0.8), ("south", 0.35, 0.8), ("west", 0.5, 0.8)], DisparitySource.Automated);
        Assert.True(share >= 0.95, $"the planted automated disparity was found in {share:P1} of {Trials} trials");
    }

    [Fact]
    public void A_planted_human_disparity_at_a_ratio_of_0_7_is_found()
    {
        // The policy auto-executes 30% everywhere; reviewers approve south at 56% against 80%.
        var share = Detection(2_000, [("north", 0.3, 0.8), ("south", 0.3, 0.56), ("west", 0.3, 0.8)], DisparitySource.Human);
        Assert.True(share >= 0.95, $"the planted human disparity was found in {share:P1} of {Trials} trials");
    }

    [Fact]
    public void Without_a_disparity_findings_are_no_more_frequent_than_the_significance_level()
    {
        var four = new SegmentOptions();
        var pValuesOnly = new SegmentOptions { FourFifths = 1.0 };
        int withFinding = 0, withFindingAtRatio1 = 0, tests = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var cases = SegmentCases.Simulate(new Random(3_000 + trial), PerValue, [("north", 0.4, 0.8), ("south", 0.4, 0.8), ("west", 0.4, 0.8)]);
            var report = SegmentAnalyzer.Analyze(cases, four);
            tests = report.Tests;
            withFinding += report.Findings.Count > 0 ? 1 : 0;
            withFindingAtRatio1 += SegmentAnalyzer.Analyze(cases, pValuesOnly).Findings.Count > 0 ? 1 : 0;
        }

        var share = (double)withFinding / Trials;
        var shareAtRatio1 = (double)withFindingAtRatio1 / Trials;
        output.WriteLine(FormattableString.Invariant($"null, {tests} tests a trail: trials with any finding {withFinding}/{Trials} = {share:0.0%} (four-fifths 0.8), {withFindingAtRatio1}/{Trials} = {shareAtRatio1:0.0%} (four-fifths 1.0: p-values alone)"));
        Assert.Equal(6, tests); // three pairs for each source
        Assert.True(share <= 0.05, $"{share:P1} of null trials had a finding");
        Assert.True(shareAtRatio1 <= 0.05, $"{shareAtRatio1:P1} of null trials had a finding with the p-values alone deciding");
    }

    private double Detection(int seed, (string Value, double Auto, double Approval)[] values, DisparitySource planted)
    {
        int found = 0, elsewhere = 0;
        for (var trial = 0; trial < Trials; trial++)
        {
            var report = SegmentAnalyzer.Analyze(SegmentCases.Simulate(new Random(seed + trial), PerValue, values));
            found += report.Findings.Any(f => f.Source == planted && f.Value == "south") ? 1 : 0;
            elsewhere += report.Findings.Any(f => f.Source != planted || f.Value != "south") ? 1 : 0;
        }

        var share = (double)found / Trials;
        output.WriteLine(FormattableString.Invariant($"{planted} disparity planted at 0.7: found in {found}/{Trials} = {share:0.0%} of trials; a finding elsewhere in {elsewhere}"));
        Assert.True((double)elsewhere / Trials <= 0.05, $"{elsewhere} trials had a finding where none was planted");
        return share;
    }
}
