using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Audit;
using Hitl.Policy.Definition;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class CalibrationTests
{
    private static readonly CalibrationOptions Options = new() { Target = 0.99, Confidence = 0.95, MinimumSample = 200 };

    private static (PolicyDefinition Policy, CalibrationReport Report) Lending(int seed = 11, int count = 20_000, double errorScale = 0.05, string? policyJson = null, CalibrationOptions? options = null)
    {
        var policy = PolicyJson.Parse(policyJson ?? SyntheticWorld.LendingPolicy);
        var world = new SyntheticWorld(policy, errorScale);
        var trail = world.Generate(seed, "loan.approve", count);
        world.Generate(seed + 1, "email.send", count / 4, trail);
        return (policy, Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, policy, options ?? Options));
    }

    [Fact]
    public void The_calibration_json_names_each_action_type_with_its_recommended_threshold_interval_and_sample_size()
    {
        var (_, report) = Lending(errorScale: 0.02);
        using var json = JsonDocument.Parse(report.ToJson());
        var root = json.RootElement;
        Assert.Equal("lending", root.GetProperty("policyId").GetString());
        Assert.Equal(0.99, root.GetProperty("target").GetDouble());
        Assert.Equal("clopper-pearson", root.GetProperty("method").GetString());
        var actions = root.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("actionType").GetString()!);
        Assert.Equal(["email.send", "loan.approve"], actions.Keys.Order());
        foreach (var (name, action) in actions)
        {
            var recommendation = action.GetProperty("recommendation");
            var threshold = recommendation.GetProperty("recommendedThreshold").GetDouble();
            var interval = recommendation.GetProperty("agreement");
            var sampleSize = recommendation.GetProperty("sampleSize").GetInt32();
            Assert.InRange(threshold, 0.5, 0.99);
            Assert.True(sampleSize >= 200, name);
            Assert.Equal(sampleSize, interval.GetProperty("trials").GetInt32());
            Assert.True(interval.GetProperty("lower").GetDouble() <= interval.GetProperty("rate").GetDouble());
            Assert.True(interval.GetProperty("upper").GetDouble() >= interval.GetProperty("rate").GetDouble());
            Assert.True(recommendation.GetProperty("lowerBound").GetDouble() >= 0.99);
            Assert.Equal("loosen", recommendation.GetProperty("kind").GetString());
        }

        Assert.Equal(0.9, actions["loan.approve"].GetProperty("recommendation").GetProperty("currentThreshold").GetDouble());
        Assert.Equal(JsonValueKind.Null, actions["email.send"].GetProperty("recommendation").GetProperty("currentThreshold").ValueKind);
    }

    [Fact]
    public void A_report_survives_a_round_trip_through_json()
    {
        var (_, report) = Lending(count: 4000);
        var again = FeedbackJson.ParseCalibrationReport(report.ToJson());
        Assert.Equal(report.ToJson(), again.ToJson());
    }

    [Fact]
    public void Bands_come_from_the_policy_and_count_volume_routes_audits_and_escalations()
    {
        var (_, report) = Lending();
        var loan = report.Actions.Single(a => a.ActionType == "loan.approve");
        Assert.Equal(["confidence.low", "confidence.medium", "confidence.high"], loan.Bands.Select(b => b.BandId));
        Assert.Equal(loan.Volume, loan.Bands.Sum(b => b.Volume));
        var (low, medium, high) = (loan.Bands[0], loan.Bands[1], loan.Bands[2]);

        Assert.Equal((RouteLevel.Escalate, 1.0), (low.PolicyRoute!.Value, low.EscalationFrequency!.Value));
        Assert.Equal((medium.Volume, 0), (medium.SentToPerson, medium.Escalated));
        Assert.Equal(medium.Volume, medium.Agreement.Trials);

        // The auto band is judged only through its 10% audit sample, and that sample gives the auto path's error rate.
        Assert.True(high.IsAutomatic && !medium.IsAutomatic);
        Assert.Equal(high.Volume, high.AutoExecuted);
        Assert.InRange(high.AutoPathError.Trials, (int)(0.07 * high.Volume), (int)(0.13 * high.Volume));
        Assert.Equal(high.AutoPathError.Trials, high.Agreement.Trials);
        Assert.Equal(high.AutoPathError.Trials - high.AutoPathError.Successes, high.Agreement.Successes);
        Assert.Equal(loan.AutoPathError, RateEstimate.Of(high.AutoPathError.Successes, high.AutoPathError.Trials, 0.95, IntervalMethod.ClopperPearson));
        Assert.False(high.BelowTarget);
    }

    [Fact]
    public void Fixed_width_bands_can_replace_the_policys_bands()
    {
        var options = new CalibrationOptions { Bands = BandSource.FixedWidth, BandWidth = 0.1 };
        var (_, report) = Lending(count: 4000, options: options);
        var loan = report.Actions.Single(a => a.ActionType == "loan.approve");
        Assert.Equal(10, loan.Bands.Count);
        Assert.All(loan.Bands, b => Assert.Null(b.BandId));
        Assert.Equal((0.9, 1.0), (loan.Bands[^1].Min, loan.Bands[^1].Max));
        Assert.Equal(0, loan.Bands.Take(5).Sum(b => b.Volume)); // confidence starts at 0.5
        Assert.Equal(4000, loan.Bands.Sum(b => b.Volume));
    }

    [Fact]
    public void An_auto_band_that_audits_show_below_target_must_tighten()
    {
        // Errors of 4% in the auto band: the audits (here every auto-executed case) give an upper bound below 99%.
        var (policy, report) = Lending(errorScale: 1.0, policyJson: SyntheticWorld.LendingPolicy.Replace("\"rate\": 0.1", "\"rate\": 1.0", StringComparison.Ordinal));
        var loan = report.Actions.Single(a => a.ActionType == "loan.approve");
        Assert.True(loan.Bands[2].BelowTarget);
        var r = loan.Recommendation;
        Assert.Equal(RecommendationKind.Tighten, r.Kind);
        Assert.True(r.CurrentUpperBound < 0.99);

        // The errors are 1.0 * ((1 - c) / 0.4)^2: the range at or above t meets 99% for t >= 0.931; the evidence-backed
        // raise lands between that and 1.
        Assert.InRange(r.ProposedThreshold!.Value, 0.931, 0.99);
        Assert.Equal(r.RecommendedThreshold, r.ProposedThreshold);
        Assert.Contains("raise the auto-execute threshold from 0.9", r.Reason, StringComparison.Ordinal);

        var proposal = PolicyProposer.Propose(policy, report);
        Assert.Empty(proposal.Errors);
        var bands = proposal.After.Actions!["loan.approve"].ConfidenceBands!;
        Assert.Equal(r.ProposedThreshold, bands.Single(b => b.Route == RouteLevel.AutoExecute).Min);
    }

    [Fact]
    public void Tightening_without_a_supported_threshold_stops_auto_execution_by_confidence()
    {
        var (policy, report) = Lending(errorScale: 4.0);
        var r = report.Actions.Single(a => a.ActionType == "loan.approve").Recommendation;
        Assert.Equal(RecommendationKind.Tighten, r.Kind);
        Assert.Null(r.ProposedThreshold);
        var proposal = PolicyProposer.Propose(policy, report);
        Assert.Empty(proposal.Errors);
        Assert.DoesNotContain(proposal.After.Actions!["loan.approve"].ConfidenceBands!, b => b.Route!.Value.IsAutomatic());
    }

    [Fact]
    public void No_loosening_is_recommended_below_the_minimum_sample()
    {
        // The same evidence that supports loosening on 200 cases supports nothing when 50 000 are required.
        var strict = new CalibrationOptions { MinimumSample = 50_000 };
        var (policy, report) = Lending(options: strict);
        Assert.All(report.Actions, a => Assert.Equal(RecommendationKind.InsufficientEvidence, a.Recommendation.Kind));
        Assert.All(report.Actions, a => Assert.Null(a.Recommendation.RecommendedThreshold));
        var proposal = PolicyProposer.Propose(policy, report);
        Assert.False(proposal.HasChanges);
        Assert.Equal("", proposal.Diff);
    }

    private static readonly PolicyDefinition PerfectReviewersPolicy = PolicyJson.Parse(SyntheticWorld.LendingPolicy);

    public static class Inputs
    {
        /// <summary>A minimum sample, a number of judged cases and a seed for their confidences.</summary>
        public static Arbitrary<(int Minimum, int Count, int Seed)> Samples() =>
            (from minimum in Gen.Choose(1, 400)
             from count in Gen.Choose(0, 600)
             from seed in Gen.Choose(0, 1_000_000)
             select (minimum, count, seed)).ToArbitrary();
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Inputs)])]
    public bool Loosening_is_never_recommended_on_fewer_judged_cases_than_the_minimum_sample((int Minimum, int Count, int Seed) s)
    {
        // Perfect reviewers agree with every output: the only thing that can hold loosening back is the sample size.
        var random = new Random(s.Seed);
        var trail = new TrailWriter();
        for (var i = 0; i < s.Count; i++)
        {
            var confidence = 0.5 + (0.5 * random.NextDouble());
            trail.Decided("c" + i, "email.send", confidence, RouteLevel.Review, TrailWriter.Start);
            trail.Act("c" + i, ActKind.Approved, "ana", TrailWriter.Start.AddMinutes(1));
        }

        var options = new CalibrationOptions { MinimumSample = s.Minimum };
        var r = Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, PerfectReviewersPolicy, options).Actions.Single(a => a.ActionType == "email.send").Recommendation;
        return r.Kind != RecommendationKind.Loosen || (r.SampleSize >= s.Minimum && r.SampleSize <= s.Count);
    }

    [Fact]
    public void Options_out_of_range_name_the_setting_and_the_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Calibrator.Calibrate([], null, new CalibrationOptions { Target = 1.5 }));
        Assert.Equal("Target", e.ParamName);
        Assert.Contains("CalibrationOptions.Target", e.Message, StringComparison.Ordinal);
        Assert.Contains("1.5", e.Message, StringComparison.Ordinal);
        Assert.Equal("MinimumSample", Assert.Throws<ArgumentOutOfRangeException>(() => Calibrator.Calibrate([], null, new CalibrationOptions { MinimumSample = 0 })).ParamName);
    }

    [Fact]
    public void The_text_rendering_shows_each_action_type_and_its_decision()
    {
        var (_, report) = Lending(count: 4000);
        var text = report.ToText();
        Assert.Contains("Calibration of lending 1 over 5000 cases", text, StringComparison.Ordinal);
        Assert.Contains("loan.approve", text, StringComparison.Ordinal);
        Assert.Contains("confidence.medium", text, StringComparison.Ordinal);
        Assert.Contains("loosen: ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" \n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loosening_goes_no_further_than_the_step_limit_while_the_report_keeps_what_the_evidence_supports()
    {
        var (_, capped) = Lending(errorScale: 0.02);
        var (_, free) = Lending(errorScale: 0.02, options: new CalibrationOptions { MinimumSample = 200, MaxLooseningStep = null });
        var r = capped.Actions.Single(a => a.ActionType == "loan.approve").Recommendation;
        var unlimited = free.Actions.Single(a => a.ActionType == "loan.approve").Recommendation;

        Assert.Equal(RecommendationKind.Loosen, r.Kind);
        Assert.True(r.RecommendedThreshold < 0.8, "the evidence supports more than one step here");
        Assert.Equal(0.8, r.ProposedThreshold);
        Assert.Contains("capped at a step of 0.1", r.Reason, StringComparison.Ordinal);
        Assert.Equal(r.RecommendedThreshold, unlimited.ProposedThreshold);
        Assert.Equal(r.RecommendedThreshold, unlimited.RecommendedThreshold);
    }

    [Fact]
    public void Decisions_the_audit_sample_held_for_review_count_as_audits_of_the_auto_path()
    {
        // loan.approve samples 10% in review mode in the shipped policy; here the lending policy is switched to it.
        var (_, report) = Lending(errorScale: 1.0, policyJson: SyntheticWorld.LendingPolicy.Replace("\"mode\": \"flag\"", "\"mode\": \"review\"", StringComparison.Ordinal));
        var high = report.Actions.Single(a => a.ActionType == "loan.approve").Bands[2];
        Assert.InRange(high.AutoPathError.Trials, (int)(0.07 * high.Volume), (int)(0.13 * high.Volume));
        Assert.Equal(high.AutoPathError.Trials, high.SentToPerson);
        Assert.Equal(high.AutoPathError.Trials - high.AutoPathError.Successes, high.Agreement.Successes);
        Assert.True(high.AutoPathError.Successes > 0);
    }

    [Fact]
    public void A_confidence_outside_the_unit_interval_counts_as_not_recorded()
    {
        var trail = new TrailWriter();
        trail.Decided("nan", "loan.approve", double.NaN, RouteLevel.Review, TrailWriter.Start);
        trail.Act("nan", ActKind.Approved, "ana", TrailWriter.Start.AddMinutes(1));
        trail.Decided("big", "loan.approve", 1.5, RouteLevel.Review, TrailWriter.Start);
        trail.Decided("ok", "loan.approve", 0.8, RouteLevel.Review, TrailWriter.Start);
        var loan = Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, PolicyJson.Parse(SyntheticWorld.LendingPolicy), Options).Actions.Single(a => a.ActionType == "loan.approve");
        Assert.Equal((3, 2, 1), (loan.Volume, loan.WithoutConfidence, loan.Bands.Sum(b => b.Volume)));
    }
}
