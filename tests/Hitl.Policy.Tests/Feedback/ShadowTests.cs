using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Feedback;

public sealed class ShadowTests
{
    // The candidate auto-executes loans from 0.85 instead of 0.9, and wants a senior for the review band.
    private const string CandidateLoanBands = """
        "loan.approve": {
              "confidenceBands": [
                { "id": "loan.high", "min": 0.85, "max": 1.0, "route": "auto-execute" },
                { "id": "loan.medium", "min": 0.7, "max": 0.85, "route": "review", "tier": "senior" },
                { "id": "loan.low", "min": 0.0, "max": 0.7, "route": "escalate" }
              ]
            },
        """;

    private static CompiledPolicy<Signals> Active() => Compile(SyntheticWorld.LendingPolicy);

    private static CompiledPolicy<Signals> Candidate() => Compile(SyntheticWorld.LendingPolicy
        .Replace("\"version\": \"1\"", "\"version\": \"2\"", StringComparison.Ordinal)
        .Replace("\"loan.approve\": { },", CandidateLoanBands, StringComparison.Ordinal));

    private static CompiledPolicy<Signals> Compile(string json)
    {
        var definition = PolicyJson.Parse(json);
        return PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
    }

    private static Signals Case(string action, string id, double confidence) =>
        new() { ActionType = action, RequestId = id, Confidence = confidence, Reversibility = Reversibility.Reversible };

    [Fact]
    public void A_shadow_run_reports_exactly_the_planted_differences_and_what_reviewers_decided_on_them()
    {
        var active = Active();
        var shadow = new ShadowEvaluator<Signals>(active, Candidate());
        var trail = new TrailWriter();
        var random = new Random(5);
        var expected = new Dictionary<string, ShadowDifferenceKind>();
        int looserRejected = 0, looserApproved = 0;
        for (var i = 0; i < 2000; i++)
        {
            var action = i % 4 == 0 ? "email.send" : "loan.approve";
            var id = "case-" + i;
            var confidence = Math.Round(random.NextDouble(), 3);
            var signals = Case(action, id, confidence);

            var decision = shadow.Route(id, signals);
            Assert.Equal(active.Route(signals), decision); // the candidate never changes routing

            trail.Decided(id, confidence, decision, TrailWriter.Start.AddMinutes(i));
            if (decision.RequiresHuman)
            {
                var reject = i % 7 == 0;
                trail.Act(id, reject ? ActKind.Rejected : ActKind.Approved, "rev-" + (i % 3), TrailWriter.Start.AddMinutes(i + 5));
                if (action == "loan.approve" && confidence is >= 0.85 and < 0.9)
                {
                    looserRejected += reject ? 1 : 0;
                    looserApproved += reject ? 0 : 1;
                }
            }

            // The plant: only loan.approve differs, in [0.85, 0.9) by route and in [0.7, 0.85) by tier.
            if (action == "loan.approve" && confidence is >= 0.85 and < 0.9)
            {
                expected[id] = ShadowDifferenceKind.CandidateLooser;
            }
            else if (action == "loan.approve" && confidence is >= 0.7 and < 0.85)
            {
                expected[id] = ShadowDifferenceKind.Tier;
            }
        }

        var report = ShadowReport.Build(shadow.Snapshot(), ObservedCases.Collect(trail.Records).Cases, new FakeTimeProvider(TrailWriter.Start));

        Assert.Equal(expected.OrderBy(e => e.Key), report.Cases.Select(c => KeyValuePair.Create(c.Difference.CaseId, c.Difference.Kind)).OrderBy(e => e.Key));
        Assert.Equal(("lending@1", "lending@2", 2000, expected.Count), (report.ActivePolicy, report.CandidatePolicy, report.Observed, report.Differing));
        Assert.All(report.Cases.Where(c => c.Difference.Kind == ShadowDifferenceKind.Tier), c => Assert.Equal(("agent", "senior"), (c.Difference.ActiveTier, c.Difference.CandidateTier)));
        Assert.All(report.Cases.Where(c => c.Difference.Kind == ShadowDifferenceKind.CandidateLooser), c => Assert.Equal((RouteLevel.Review, RouteLevel.AutoExecute), (c.Difference.ActiveRoute, c.Difference.CandidateRoute!.Value)));

        var loan = report.Actions.Single(a => a.ActionType == "loan.approve");
        Assert.Equal(new VerdictCounts(looserApproved, looserRejected, 0, 0), loan.LooserVerdicts);
        Assert.True(looserRejected > 0 && looserApproved > 0);
        Assert.Equal(0, loan.CandidateStricter);
        var email = report.Actions.Single(a => a.ActionType == "email.send");
        Assert.Equal((500, 0), (email.Observed, email.Differing));

        var text = report.ToText();
        Assert.Contains($"Shadow: candidate lending@2 beside active lending@1: {expected.Count} of 2000 cases differ", text, StringComparison.Ordinal);
        Assert.Contains("auto-execute", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_policy_as_its_own_shadow_differs_nowhere()
    {
        var run = ShadowReplay.Run(Active(), Active(), Enumerable.Range(0, 500).Select(i => ("c" + i, Case("loan.approve", "c" + i, i / 500.0))));
        Assert.Empty(run.Differences);
        Assert.Equal(500, run.Observed["loan.approve"]);
    }

    [Fact]
    public void A_candidate_that_throws_is_recorded_and_never_felt()
    {
        var active = Active();
        var shadow = new ShadowEvaluator<Signals>(active, new ThrowingPolicy());
        var signals = Case("loan.approve", "c1", 0.95);
        Assert.Equal(active.Route(signals), shadow.Route("c1", signals));
        var difference = Assert.Single(shadow.Snapshot().Differences);
        Assert.Equal((ShadowDifferenceKind.CandidateFault, (RouteLevel?)null), (difference.Kind, difference.CandidateRoute));
    }

    [Fact]
    public void Stricter_differences_show_the_catches_among_auto_executed_cases()
    {
        // Swap the roles: the 0.85 policy is active, the 0.9 policy the candidate, so [0.85, 0.9) is stricter.
        var shadow = new ShadowEvaluator<Signals>(Candidate(), Active());
        var trail = new TrailWriter();
        for (var i = 0; i < 10; i++)
        {
            var id = "s" + i;
            var decision = shadow.Route(id, Case("loan.approve", id, 0.86));
            trail.Decided(id, "loan.approve", 0.86, decision.Route, TrailWriter.Start, DecisionFlags.SampledForAudit);
            trail.Act(id, i < 3 ? ActKind.AuditFailed : ActKind.AuditPassed, "auditor", TrailWriter.Start.AddDays(1));
        }

        var loan = ShadowReport.Build(shadow.Snapshot(), ObservedCases.Collect(trail.Records).Cases, new FakeTimeProvider(TrailWriter.Start)).Actions.Single();
        Assert.Equal((10, new VerdictCounts(7, 3, 0, 0)), (loan.CandidateStricter, loan.StricterVerdicts));
    }

    [Fact]
    public void A_run_survives_a_round_trip_through_json_and_an_unknown_case_is_reported_as_not_in_the_trail()
    {
        var run = ShadowReplay.Run(Active(), Candidate(), [("x1", Case("loan.approve", "x1", 0.87))]);
        var again = FeedbackJson.ParseShadowRun(FeedbackJson.Serialize(run));
        Assert.Equal(FeedbackJson.Serialize(run), FeedbackJson.Serialize(again));
        var report = ShadowReport.Build(again, [], new FakeTimeProvider(TrailWriter.Start));
        Assert.Null(Assert.Single(report.Cases).Verdict);
        Assert.Equal(new VerdictCounts(0, 0, 0, 1), report.Actions.Single().LooserVerdicts);
        Assert.Contains("\"kind\": \"candidate-looser\"", report.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Comparing_equal_decisions_allocates_nothing()
    {
        var active = Active();
        var shadow = new ShadowEvaluator<Signals>(active, Active());
        var signals = Case("loan.approve", "c1", 0.95);
        var decision = active.Route(signals);
        shadow.Observe("c1", signals, decision);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            shadow.Observe("c1", signals, decision);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Observations_from_many_threads_are_all_counted()
    {
        var shadow = new ShadowEvaluator<Signals>(Active(), Candidate());
        Parallel.For(0, 10_000, i => shadow.Route("p" + i, Case("loan.approve", "p" + i, (i % 100) / 100.0)));
        var run = shadow.Snapshot();
        Assert.Equal(10_000, run.Observed["loan.approve"]);
        Assert.Equal(10_000 * 20 / 100, run.Differences.Count); // confidence 0.70 .. 0.89: 15 tier, 5 looser per hundred
        Assert.Equal(10_000 * 5 / 100, run.Differences.Count(d => d.Kind == ShadowDifferenceKind.CandidateLooser));
    }

    private sealed class ThrowingPolicy : IEscalationPolicy<Signals>
    {
        public string PolicyId => "broken";

        public string PolicyVersion => "0";

        public Decision Route(in Signals context) => throw new InvalidOperationException("candidate bug");

        public DecisionTrace Explain(in Signals context) => throw new InvalidOperationException("candidate bug");
    }
}
