using Hitl.Policy.Feedback;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>Calibration against the shipped sample policy: bands and current thresholds are read as the compiler reads them.</summary>
public sealed class OperationsPolicyCalibrationTests
{
    private static readonly string PolicyPath = Path.Combine(AppContext.BaseDirectory, "../../../../../samples/policies/operations.json");

    [Fact]
    public void Every_declared_action_type_is_reported_with_its_current_threshold_even_without_cases()
    {
        var policy = PolicyJson.Load(PolicyPath);
        var report = Calibrator.Calibrate([], policy, new CalibrationOptions(), new FakeTimeProvider(TrailWriter.Start));

        var current = report.Actions.ToDictionary(a => a.ActionType, a => a.Recommendation.CurrentThreshold);
        Assert.Equal(new Dictionary<string, double?>
        {
            ["agent.tool-call"] = 0.9,  // inherits the defaults' bands
            ["email.send"] = 0.85,
            ["loan.approve"] = 0.95,
            ["refund.issue"] = 0.9,
        }, current);
        Assert.All(report.Actions, a => Assert.Equal(RecommendationKind.InsufficientEvidence, a.Recommendation.Kind));
        Assert.Equal(["loan.confidence.low", "loan.confidence.medium", "loan.confidence.high"], report.Actions.Single(a => a.ActionType == "loan.approve").Bands.Select(b => b.BandId));
        Assert.Equal(TrailWriter.Start, report.GeneratedAt);
    }

    [Fact]
    public void A_tightening_of_an_inherited_band_compiles_and_leaves_the_other_action_types_alone()
    {
        var policy = PolicyJson.Load(PolicyPath);
        var empty = Calibrator.Calibrate([], policy, new CalibrationOptions(), new FakeTimeProvider(TrailWriter.Start));
        var refund = empty.Actions.Single(a => a.ActionType == "refund.issue");
        var report = empty with
        {
            Actions = [refund with { Recommendation = refund.Recommendation with { Kind = RecommendationKind.Tighten, ProposedThreshold = 0.95 } }],
        };

        var proposal = PolicyProposer.Propose(policy, report, "2026.11.2");

        Assert.Empty(proposal.Errors);
        Assert.Equal("2026.11.2", proposal.After.Version);
        Assert.Equal(["refund.issue.confidence.low", "refund.issue.confidence.medium", "refund.issue.confidence.high"], proposal.After.Actions!["refund.issue"].ConfidenceBands!.Select(b => b.Id));
        Assert.Null(proposal.After.Actions["agent.tool-call"].ConfidenceBands);
        var compiled = PolicyCompiler.Compile(proposal.After, Signals.SchemaFor(proposal.After));
        var signals = new Signals { ActionType = "refund.issue", RequestId = "r", Confidence = 0.92, Amount = 10, Evidence = 0.9, Reversibility = Reversibility.Reversible };
        signals.Numbers["customer.chargebacks"] = 0;
        signals.Flags["customer.isNew"] = false;
        signals.Texts["customer.segment"] = "retail";
        Assert.Equal(RouteLevel.Review, compiled.Route(signals).Route);
        Assert.Contains("+          \"min\": 0.95,", proposal.Diff, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undeclared_action_type_is_never_proposed_for_autonomy()
    {
        var policy = PolicyJson.Load(PolicyPath);
        var trail = new TrailWriter();
        for (var i = 0; i < 1000; i++)
        {
            trail.Decided("c" + i, "wire.send", 0.99, RouteLevel.Review, TrailWriter.Start);
            trail.Act("c" + i, Hitl.Policy.Audit.ActKind.Approved, "ana", TrailWriter.Start.AddMinutes(1));
        }

        var report = Calibrator.Calibrate(ObservedCases.Collect(trail.Records).Cases, policy, new CalibrationOptions(), new FakeTimeProvider(TrailWriter.Start));
        var r = report.Actions.Single(a => a.ActionType == "wire.send").Recommendation;
        Assert.Equal((RecommendationKind.Hold, (double?)null), (r.Kind, r.CurrentThreshold));
        Assert.NotNull(r.RecommendedThreshold);
        Assert.Contains("unknown-action route", r.Reason, StringComparison.Ordinal);
        Assert.False(PolicyProposer.Propose(policy, report).HasChanges);
    }
}
