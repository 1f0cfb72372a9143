using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Definition;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class PolicyProposalTests
{
    private static (PolicyDefinition Policy, CalibrationReport Report) Calibrated()
    {
        var policy = PolicyJson.Parse(SyntheticWorld.LendingPolicy);
        var world = new SyntheticWorld(policy, errorScale: 0.02);
        var trail = world.Generate(21, "loan.approve", 20_000);
        var report = Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, policy, new CalibrationOptions { MinimumSample = 200 });
        return (policy, report);
    }

    [Fact]
    public void A_loosening_proposal_moves_only_the_threshold_and_shows_it_in_a_readable_diff()
    {
        var (policy, report) = Calibrated();
        var before = PolicyJson.Serialize(policy);
        var r = report.Actions.Single(a => a.ActionType == "loan.approve").Recommendation;
        Assert.Equal(RecommendationKind.Loosen, r.Kind);
        var t = r.ProposedThreshold!.Value;
        Assert.True(t < 0.9);

        var proposal = PolicyProposer.Propose(policy, report);

        Assert.True(proposal.HasChanges);
        Assert.Empty(proposal.Errors);
        Assert.Equal(before, PolicyJson.Serialize(policy)); // nothing applied to the active policy
        Assert.Equal(before, proposal.BeforeJson);
        Assert.Equal("1-proposed", proposal.After.Version);
        var bands = proposal.After.Actions!["loan.approve"].ConfidenceBands!;
        // The defaults' bands become loan.approve's own (renamed: rule ids are unique); the auto band now starts at t
        // and the bands below it end there, each with its old route.
        Assert.Subset(new HashSet<string?>(["loan.approve.confidence.low", "loan.approve.confidence.medium", "loan.approve.confidence.high"]), bands.Select(b => b.Id).ToHashSet());
        Assert.Equal((t, 1.0, RouteLevel.AutoExecute, "loan.approve.confidence.high"), (bands[^1].Min, bands[^1].Max, bands[^1].Route!.Value, bands[^1].Id));
        Assert.Equal(t, bands[^2].Max);
        Assert.Equal(t < 0.7 ? RouteLevel.Escalate : RouteLevel.Review, bands[^2].Route);
        Assert.Null(proposal.After.Actions["email.send"].ConfidenceBands!.SingleOrDefault(b => b.Route == RouteLevel.AutoExecute));

        Assert.StartsWith("--- lending 1\n+++ lending 1-proposed\n@@ -1,", proposal.Diff, StringComparison.Ordinal);
        Assert.Contains("-  \"version\": \"1\",\n+  \"version\": \"1-proposed\",", proposal.Diff, StringComparison.Ordinal);
        Assert.Contains($"+          \"min\": {t.ToString(System.Globalization.CultureInfo.InvariantCulture)},", proposal.Diff, StringComparison.Ordinal);

        // The proposal compiles and routes the newly covered range to auto-execute.
        var compiled = PolicyCompiler.Compile(proposal.After, Signals.SchemaFor(proposal.After));
        Assert.Equal(RouteLevel.AutoExecute, compiled.Route(new Signals { ActionType = "loan.approve", RequestId = "x", Confidence = t, Reversibility = Reversibility.Reversible }).Route);
    }

    [Fact]
    public void A_report_for_another_policy_version_is_refused()
    {
        var (policy, report) = Calibrated();
        policy.Version = "2";
        var e = Assert.Throws<ArgumentException>(() => PolicyProposer.Propose(policy, report));
        Assert.Contains("version '1', not 'lending' version '2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_loosening_below_the_minimum_sample_is_never_applied()
    {
        var (policy, report) = Calibrated();
        var forged = report with
        {
            Actions = [.. report.Actions.Select(a => a with { Recommendation = a.Recommendation with { Kind = RecommendationKind.Loosen, ProposedThreshold = 0.6, SampleSize = report.MinimumSample - 1 } })],
        };
        Assert.False(PolicyProposer.Propose(policy, forged).HasChanges);
    }

    public static class Inputs
    {
        /// <summary>Monotone confidence bands (up to five) and a new auto-execute threshold on a grid of 1/100.</summary>
        public static Arbitrary<(List<ConfidenceBandDefinition> Bands, double Threshold)> BandsAndThreshold() =>
            (from cuts in Gen.Choose(1, 99).ArrayOf().Select(a => a.Distinct().Order().Take(4).Select(c => c / 100.0).ToArray())
             from routes in Gen.Elements(RouteLevel.AutoExecute, RouteLevel.AutoExecuteWithNotice, RouteLevel.Review, RouteLevel.Escalate, RouteLevel.Block).ArrayOf(cuts.Length + 1)
             from threshold in Gen.Choose(0, 99)
             select (Bands(cuts, routes), threshold / 100.0)).ToArbitrary();
    }

    private static List<ConfidenceBandDefinition> Bands(double[] cuts, RouteLevel[] routes)
    {
        // Monotone: the lowest band is the most restrictive.
        var ordered = routes.OrderDescending().ToArray();
        var edges = new[] { 0.0 }.Concat(cuts).Append(1.0).ToArray();
        return [.. Enumerable.Range(0, edges.Length - 1).Select(i => new ConfidenceBandDefinition { Id = "b" + i, Min = edges[i], Max = edges[i + 1], Route = ordered[i] })];
    }

    private static CompiledPolicy<Signals> Compile(List<ConfidenceBandDefinition> bands) =>
        PolicyCompiler.Compile(new PolicyDefinition { Id = "p", Version = "1", Actions = new() { ["a"] = new ActionPolicyDefinition { ConfidenceBands = bands } } }, Signals.Schema([]));

    private static RouteLevel RouteAt(CompiledPolicy<Signals> policy, double confidence) =>
        policy.Route(new Signals { ActionType = "a", Confidence = confidence, Reversibility = Reversibility.Reversible }).Route;

    [Property(MaxTest = 500, Arbitrary = [typeof(Inputs)])]
    public bool Moving_the_threshold_keeps_the_bands_valid_and_changes_routes_only_in_its_direction((List<ConfidenceBandDefinition> Bands, double Threshold) s)
    {
        var before = Compile(s.Bands);
        var current = s.Bands.Where(b => b.Route!.Value.IsAutomatic()).Select(b => (double?)b.Min).Min();
        var after = Compile(ConfidenceBandEditor.WithAutoThreshold(s.Bands, s.Threshold, "a"));
        for (var i = 0; i <= 200; i++)
        {
            var x = i / 200.0;
            var (old, now) = (RouteAt(before, x), RouteAt(after, x));
            if (now.IsAutomatic() != (x >= s.Threshold))
            {
                return false; // the new threshold is exactly where auto-execution starts
            }

            // Tightening never loosens anything; loosening (or first autonomy) never tightens anything.
            var loosening = current is null || s.Threshold < current;
            if (loosening ? now > old : now < old)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(Inputs)])]
    public bool Tightening_to_no_threshold_leaves_nothing_automatic_and_loosens_nothing((List<ConfidenceBandDefinition> Bands, double Threshold) s)
    {
        var before = Compile(s.Bands);
        var after = Compile(ConfidenceBandEditor.WithAutoThreshold(s.Bands, null, "a"));
        return Enumerable.Range(0, 201).Select(i => i / 200.0).All(x => !RouteAt(after, x).IsAutomatic() && RouteAt(after, x) >= RouteAt(before, x));
    }

    [Fact]
    public void A_threshold_outside_the_unit_interval_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConfidenceBandEditor.WithAutoThreshold([], 1.0, "a"));
        Assert.Equal("threshold", e.ParamName);
    }
}
