using Hitl.Policy.Feedback;
using Xunit.Abstractions;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>
/// The statistical guarantee of a recommendation, tested by repetition with fixed seeds: on trails from a model with a
/// known error curve, the recommended threshold must meet the target on a large fresh sample from the same
/// distribution in at least the stated share (the confidence level) of trials.
/// </summary>
public sealed class ThresholdCoverageTests(ITestOutputHelper output)
{
    private const int Trials = 200;
    private const double Target = 0.99;
    private const double Level = 0.95;

    // Errors 0.05 * ((1 - c) / 0.4)^2 with c uniform on [0.5, 1]: the agreement rate at or above t is 0.99 exactly at
    // t = 1 - 0.4 * sqrt(0.6) = 0.690, so the lowest threshold that truly meets the target is 0.69.
    private const double TrueLowestThreshold = 0.690;

    [Theory]
    [InlineData(IntervalMethod.Wilson)]
    [InlineData(IntervalMethod.ClopperPearson)]
    public void Recommended_threshold_meets_the_target_on_fresh_data_in_at_least_the_stated_share_of_trials(IntervalMethod method)
    {
        var world = new SyntheticWorld(Policy.PolicyJson.Parse(SyntheticWorld.LendingPolicy));
        var fresh = world.Fresh(seed: 20261123, count: 1_000_000);
        Assert.InRange(fresh.AgreementAtOrAbove(TrueLowestThreshold), Target - 0.0005, Target + 0.0005);

        var options = new CalibrationOptions { Target = Target, Confidence = Level, Method = method, MinimumSample = 200 };
        int recommended = 0, met = 0;
        var thresholds = new List<double>();
        for (var trial = 0; trial < Trials; trial++)
        {
            // email.send is reviewed at every confidence, so every case is judged: no selection effect helps the test.
            var trail = world.Generate(seed: 1000 + trial, "email.send", count: 4000);
            var report = Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, world.Definition, options);
            var recommendation = report.Actions.Single(a => a.ActionType == "email.send").Recommendation;
            if (recommendation.RecommendedThreshold is { } t)
            {
                recommended++;
                thresholds.Add(t);
                Assert.True(recommendation.SampleSize >= options.MinimumSample);
                Assert.True(recommendation.LowerBound >= Target);
                met += fresh.AgreementAtOrAbove(t) >= Target ? 1 : 0;
            }
            else
            {
                met++; // recommending nothing never lets a below-target range auto-execute
            }
        }

        var share = (double)met / Trials;
        output.WriteLine($"{method}: {recommended}/{Trials} trials recommended a threshold; {met}/{Trials} = {share:P1} met the target on fresh data; thresholds {thresholds.Min():0.00}..{thresholds.Max():0.00}, mean {thresholds.Average():0.000}");
        Assert.True(share >= Level, $"only {share:P1} of trials met the target; the stated share is {Level:P0}");

        // And the test has power: nearly every trial finds a threshold, near the true one.
        Assert.True(recommended >= 0.95 * Trials, $"only {recommended} of {Trials} trials recommended a threshold");
        Assert.InRange(thresholds.Average(), TrueLowestThreshold, TrueLowestThreshold + 0.11);
    }
}
