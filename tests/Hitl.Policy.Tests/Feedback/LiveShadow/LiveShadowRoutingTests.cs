using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Hitl.Policy.Tests.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Hitl.Policy.Tests.Feedback.Live.LiveShadowFixture;

namespace Hitl.Policy.Tests.Feedback.Live;

/// <summary>
/// A live shadow in dependency injection: it is the policy the host and the gate route with, it returns the active
/// decisions unchanged, it counts every comparison per action type and route, and it samples the differences it keeps.
/// </summary>
public sealed class LiveShadowRoutingTests
{
    private static readonly InMemoryReviewerDirectory Directory = new(Reviewer.Create("ann", "agent", "reviewer", "operator"));

    [Fact]
    public void The_policy_resolves_to_the_shadow_which_returns_the_active_decisions_unchanged()
    {
        var action = Action("unchanged");
        using var provider = Provider(action, new FakeTimeProvider());
        provider.GetRequiredService<IStartupValidator>().Validate();

        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        var active = provider.GetRequiredService<ReloadablePolicy<Signals>>();
        var alone = Reloadable(Active(action));

        Assert.Same(shadow, policy);
        Assert.Same(active, shadow.Active);
        Assert.Equal(("shadow-active", "1"), (policy.PolicyId, policy.PolicyVersion));
        Assert.Equal(("shadow-candidate", "2"), (shadow.Candidate.PolicyId, shadow.Candidate.PolicyVersion));
        foreach (var amount in new[] { Same, Stricter, SameReview, Tier, Looser })
        {
            var context = Case(action, amount);
            Assert.Equal(alone.Route(context), policy.Route(context));
            Assert.Equal(alone.Explain(context).Decision, policy.Explain(context).Decision);
        }

        var run = shadow.Snapshot();
        Assert.Equal(5, run.Observed[action]);
        Assert.Equal(
            [ShadowDifferenceKind.CandidateStricter, ShadowDifferenceKind.Tier, ShadowDifferenceKind.CandidateLooser],
            run.Differences.Select(d => d.Kind));
        Assert.Equal(("shadow-active@1", "shadow-candidate@2"), (run.ActivePolicy, run.CandidatePolicy));
        Assert.Equal(0, run.DroppedDifferences);
    }

    [Fact]
    public void A_candidate_that_throws_on_every_call_is_never_felt_and_every_throw_is_a_counted_fault()
    {
        var action = Action("throws");
        var active = Reloadable(Active(action));
        var alone = Reloadable(Active(action));
        var candidate = new ThrowingPolicy();
        using var metrics = new ShadowMetrics();
        using var decisions = Collect(metrics, HitlTelemetry.ShadowDecisions);
        using var shadow = new LiveShadow<Signals>(active, candidate, new ShadowPolicyOptions(), new FakeTimeProvider(), metrics, null);

        var amounts = new[] { Same, Stricter, SameReview, Tier, Looser };
        for (var i = 0; i < 40; i++)
        {
            var context = Case(action, amounts[i % amounts.Length], "r-" + i);
            Assert.Equal(alone.Route(context), shadow.Route(context));
        }

        Assert.Equal(40, candidate.Calls);
        var mine = Of(decisions, action);
        Assert.Equal(40, mine.Sum(m => m.Value));
        Assert.All(mine, m => Assert.Equal("fault", Tag(m, HitlTelemetry.ShadowOutcomeTag)));
        Assert.All(mine, m => Assert.Equal("(absent)", Tag(m, HitlTelemetry.ShadowCandidateRouteTag)));
        var run = shadow.Snapshot();
        Assert.Equal(40, run.Differences.Count);
        Assert.All(run.Differences, d => Assert.Equal(ShadowDifferenceKind.CandidateFault, d.Kind));
        Assert.All(run.Differences, d => Assert.Null(d.CandidateRoute));
        Assert.Equal("r-0", run.Differences[0].CaseId);
        Assert.Equal("throws@1", run.CandidatePolicy);
    }

    [Fact]
    public void Every_comparison_is_counted_by_action_type_active_route_candidate_route_and_outcome()
    {
        var action = Action("metrics");
        var other = Action("metrics-other");
        using var provider = Provider(action, new FakeTimeProvider());
        using var decisions = Collect(provider, HitlTelemetry.ShadowDecisions);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();

        foreach (var (amount, times) in new[] { (Same, 3), (Stricter, 2), (SameReview, 1), (Tier, 4), (Looser, 5) })
        {
            for (var i = 0; i < times; i++)
            {
                policy.Route(Case(action, amount));
            }
        }

        // An action type neither policy declares: both take their defaults, alike.
        policy.Route(Case(other, Looser));

        var counted = Of(decisions, action)
            .GroupBy(m => (Tag(m, HitlTelemetry.RouteTag), Tag(m, HitlTelemetry.ShadowCandidateRouteTag), Tag(m, HitlTelemetry.ShadowOutcomeTag)))
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(3, counted[("auto-execute", "auto-execute", "same")]);
        Assert.Equal(2, counted[("auto-execute", "review", "stricter")]);
        Assert.Equal(1, counted[("review", "review", "same")]);
        Assert.Equal(4, counted[("review", "review", "tier")]);
        Assert.Equal(5, counted[("escalate", "review", "looser")]);
        Assert.Equal(5, counted.Count);
        Assert.Empty(Of(decisions, other));
    }

    [Fact]
    public void A_share_of_the_differences_is_sampled_per_action_type_deterministically_and_every_one_is_counted()
    {
        var action = Action("sampled");
        using var provider = Provider(action, new FakeTimeProvider(), o => o.SampleRate = 0.25);
        using var decisions = Collect(provider, HitlTelemetry.ShadowDecisions);
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        for (var i = 1; i <= 8; i++)
        {
            shadow.Route(Case(action, Stricter, "s-" + i));
            shadow.Route(Case(action, Same, "same-" + i));
        }

        // ceil(n * 0.25) grows at n = 1 and n = 5: the first difference and the fifth.
        var run = shadow.Snapshot();
        Assert.Equal(["s-1", "s-5"], run.Differences.Select(d => d.CaseId));
        Assert.Equal(6, run.DroppedDifferences);
        Assert.Equal(16, run.Observed[action]);
        Assert.Equal(16, Of(decisions, action).Sum(m => m.Value));

        var report = ShadowReport.Build(run, []);
        Assert.Equal((16, 8), (report.Observed, report.Differing));
    }

    [Fact]
    public void With_a_rate_of_zero_nothing_is_recorded_and_everything_is_counted()
    {
        var action = Action("rate-zero");
        using var provider = Provider(action, new FakeTimeProvider(), o => o.SampleRate = 0);
        using var decisions = Collect(provider, HitlTelemetry.ShadowDecisions);
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        for (var i = 0; i < 10; i++)
        {
            shadow.Route(Case(action, Looser));
        }

        var run = shadow.Snapshot();
        Assert.Empty(run.Differences);
        Assert.Equal(10, run.DroppedDifferences);
        Assert.Equal(10, Of(decisions, action).Where(m => Tag(m, HitlTelemetry.ShadowOutcomeTag) == "looser").Sum(m => m.Value));
        Assert.Equal(0, shadow.RecordsDropped);
    }

    [Fact]
    public async Task The_DI_review_gate_routes_through_the_shadow_under_the_policys_kill_switch()
    {
        var action = Action("gate");
        var audit = new FakeAuditStore();
        using var provider = Provider(action, new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), more: b => b
            .AddReviewGate()
            .AddAuditStore(audit)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Directory));
        provider.GetRequiredService<IStartupValidator>().Validate();
        var gate = provider.GetRequiredService<ReviewGate<Signals>>();
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        var active = provider.GetRequiredService<ReloadablePolicy<Signals>>();

        Assert.Same(shadow, gate.Policy);
        Assert.Same(active.KillSwitch, gate.KillSwitch);
        Assert.Same(provider.GetRequiredService<KillSwitch>(), gate.KillSwitch);

        var stricter = await gate.SubmitAsync(new GateRequest<Signals> { Context = Case(action, Stricter, "g-1"), Payload = "p", RequestId = "g-1" });
        var looser = await gate.SubmitAsync(new GateRequest<Signals> { Context = Case(action, Looser, "g-2"), Payload = "p", RequestId = "g-2" });

        Assert.Equal(GateDisposition.Execute, stricter.Disposition);
        Assert.Equal(RouteLevel.Escalate, looser.Route);
        var run = shadow.Snapshot();
        Assert.Equal(2, run.Observed[action]);
        Assert.Equal([("g-1", ShadowDifferenceKind.CandidateStricter), ("g-2", ShadowDifferenceKind.CandidateLooser)], run.Differences.Select(d => (d.CaseId, d.Kind)));

        // The kill switch the gate obeys is the policy's: engaged, the shadowed route stops for a person as before.
        gate.KillSwitch.Engage(action, "ann", "test");
        var held = await gate.SubmitAsync(new GateRequest<Signals> { Context = Case(action, Same, "g-3"), Payload = "p" });
        Assert.NotEqual(GateDisposition.Execute, held.Disposition);
        // The candidate obeys the same switch: both stop for a person, so no difference of the switch's making.
        Assert.Equal(3, shadow.Snapshot().Observed[action]);
        Assert.Equal(2, shadow.Snapshot().Differences.Count);

        // What the gate recorded is the active policy's decision, as without the shadow.
        var decided = audit.Records.Where(r => r.Entry.Act == ActKind.Decided && r.Entry.ActionType == action).Select(r => r.Entry).ToList();
        Assert.Equal([RouteLevel.AutoExecute, RouteLevel.Escalate, RouteLevel.Review], decided.Select(e => e.Route!.Value));
        Assert.All(decided, e => Assert.Equal(("shadow-active", "1"), (e.PolicyId, e.PolicyVersion)));

        // The policy's hash and tiers are the active policy's, as without the shadow.
        Assert.All(decided, e => Assert.Equal(active.PolicyHash, e.PolicyHash));
        Assert.Equal(["agent", "senior"], gate.TiersUpTo("senior"));
    }

    [Fact]
    public void Named_policies_each_get_their_own_shadow_and_a_policy_without_one_stays_as_it_was()
    {
        var loans = Action("loans");
        var refunds = Action("refunds");
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        services.AddSingleton<IAuditStore>(new FakeAuditStore());
        services.AddSingleton<IReviewerDirectory>(Directory);
        services.AddHitlPolicy("loans", o => o.PolicyJson = Active(loans))
            .AddShadowPolicy(o => o.PolicyJson = Candidate(loans, "loans-candidate"))
            .AddReviewGate()
            .AddReviewSink(new InMemoryReviewSink());
        services.AddHitlPolicy("refunds", o => o.PolicyJson = Active(refunds))
            .AddShadowPolicy(o => o.PolicyJson = Candidate(refunds, "refunds-candidate"));
        services.AddHitlPolicy("plain", o => o.PolicyJson = Active(refunds, "plain"));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var loanShadow = provider.GetRequiredKeyedService<LiveShadow<Signals>>("loans");
        var refundShadow = provider.GetRequiredKeyedService<LiveShadow<Signals>>("refunds");
        Assert.NotSame(loanShadow, refundShadow);
        Assert.Same(loanShadow, provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("loans"));
        Assert.Same(refundShadow, provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("refunds"));
        Assert.Same(provider.GetRequiredKeyedService<ReloadablePolicy<Signals>>("loans"), loanShadow.Active);
        Assert.IsType<ReloadablePolicy<Signals>>(provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("plain"));
        Assert.Null(provider.GetService<LiveShadow<Signals>>());
        Assert.Null(provider.GetKeyedService<LiveShadow<Signals>>("plain"));
        Assert.Same(loanShadow, provider.GetRequiredKeyedService<ReviewGate<Signals>>("loans").Policy);
        Assert.Equal("shadow-candidate@loans-candidate", loanShadow.Snapshot().CandidatePolicy);
        Assert.Equal("shadow-candidate@refunds-candidate", refundShadow.Snapshot().CandidatePolicy);

        provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("loans").Route(Case(loans, Stricter));
        provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("refunds").Route(Case(refunds, Tier));
        provider.GetRequiredKeyedService<IEscalationPolicy<Signals>>("refunds").Route(Case(refunds, Looser));

        Assert.Equal([ShadowDifferenceKind.CandidateStricter], loanShadow.Snapshot().Differences.Select(d => d.Kind));
        Assert.Equal([ShadowDifferenceKind.Tier, ShadowDifferenceKind.CandidateLooser], refundShadow.Snapshot().Differences.Select(d => d.Kind));
    }

    [Fact]
    public void A_reload_of_the_active_policy_is_what_the_shadow_routes_and_names()
    {
        var action = Action("reload");
        using var provider = Provider(action, new FakeTimeProvider());
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        var definition = Hitl.Policy.PolicyJson.Parse(Active(action, "7"));

        Assert.True(shadow.Active.TryReload(definition, Signals.SchemaFor(definition), out _));
        shadow.Route(Case(action, Stricter, "after"));

        Assert.Equal("7", shadow.PolicyVersion);
        var run = shadow.Snapshot();
        Assert.Equal("shadow-active@7", run.ActivePolicy);
        Assert.Equal("after", Assert.Single(run.Differences).CaseId);
    }

    [Fact]
    public void A_second_shadow_on_one_policy_is_refused()
    {
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyJson = Active("x")).AddShadowPolicy(o => o.PolicyJson = Candidate("x"));

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddShadowPolicy(o => o.PolicyJson = Candidate("x")));

        Assert.Contains("The shadow policy of the default Hitl policy for Signals is already added", refused.Message, StringComparison.Ordinal);
    }
}
