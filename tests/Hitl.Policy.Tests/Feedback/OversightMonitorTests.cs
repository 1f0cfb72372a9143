using System.Collections.Concurrent;
using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>The oversight monitor: findings of the report become alerts, each raised once, to every sink, counted on the meter.</summary>
public sealed class OversightMonitorTests
{
    private static readonly DateTimeOffset Start = TrailWriter.Start;

    /// <summary>
    /// Refunds reviewed by ana and ben (2 to 10 minutes, 10% rejected) and by eve when <paramref name="stamp"/> (10 seconds,
    /// all approved); auto-executed transfers of which 100 were sampled and audited, <paramref name="failedAudits"/> failing.
    /// </summary>
    private static async Task<InMemoryAuditStore> TrailAsync(bool stamp, int failedAudits, string actionType = "refund.issue")
    {
        var store = new InMemoryAuditStore();
        var random = new Random(7);
        var reviewers = stamp ? new[] { "ana", "ben", "eve" } : ["ana", "ben"];
        for (var i = 0; i < 180; i++)
        {
            var id = $"r{i}";
            var at = Start.AddMinutes(i * 13);
            await store.AppendAsync(new AuditEntry { Act = ActKind.Decided, CaseId = id, At = at, ActionType = actionType, Route = RouteLevel.Review, DecidedBy = "confidence.medium", RulesFired = ["confidence.medium"] });
            var reviewer = reviewers[i % reviewers.Length];
            var eve = reviewer == "eve";
            var act = eve || random.NextDouble() >= 0.1 ? ActKind.Approved : ActKind.Rejected;
            await store.AppendAsync(new AuditEntry { Act = act, CaseId = id, At = at.AddSeconds(eve ? 10 : 120 + random.Next(480)), Actor = reviewer, ActorRole = "reviewer" });
        }

        for (var i = 0; i < 100; i++)
        {
            var id = $"t{i}";
            var at = Start.AddMinutes(i * 17);
            await store.AppendAsync(new AuditEntry { Act = ActKind.Decided, CaseId = id, At = at, ActionType = "transfer.send", Route = RouteLevel.AutoExecute, Flags = DecisionFlags.SampledForAudit, DecidedBy = "default" });
            await store.AppendAsync(new AuditEntry { Act = i < failedAudits ? ActKind.AuditFailed : ActKind.AuditPassed, CaseId = id, At = at.AddHours(1), Actor = "auditor", ActorRole = "reviewer" });
        }

        return store;
    }

    [Fact]
    public async Task A_rubber_stamp_and_an_auto_path_above_its_bound_are_raised_once_to_every_sink()
    {
        var store = await TrailAsync(stamp: true, failedAudits: 10);
        var first = new RecordingSink();
        var second = new RecordingSink();
        using var monitor = new OversightMonitor(store, [first, second], new OversightOptions(), timeProvider: new FakeTimeProvider(Start.AddDays(3)));

        var check = await monitor.CheckAsync();

        Assert.Equal([OversightAlertKind.RubberStamp, OversightAlertKind.AutoPathErrorRate], check.Raised.Select(a => a.Kind));
        Assert.Equal("eve", check.Raised[0].Key);
        var auto = check.Raised[1];
        Assert.Equal("transfer.send", auto.ActionType);
        Assert.Equal(0.02, auto.Threshold);
        Assert.True(auto.Value > 0.02, $"the lower bound {auto.Value} is above the bound");
        Assert.Contains("failed 10 of 100 audits", auto.Message, StringComparison.Ordinal);
        Assert.Equal(check.Raised, first.Alerts);
        Assert.Equal(check.Raised, second.Alerts);

        var again = await monitor.CheckAsync();
        Assert.Equal(2, again.Open.Count);
        Assert.Empty(again.Raised);
        Assert.Equal(2, first.Alerts.Count);
    }

    [Fact]
    public async Task A_clean_trail_raises_nothing_and_one_failure_in_a_hundred_audits_is_under_a_two_percent_bound()
    {
        var store = await TrailAsync(stamp: false, failedAudits: 1);
        var sink = new RecordingSink();
        using var monitor = new OversightMonitor(store, [sink]);

        var check = await monitor.CheckAsync();

        Assert.Empty(check.Open);
        Assert.False(check.Report.HasFindings);
        var auto = Assert.Single(check.Report.AutoPath);
        Assert.Equal((1, 100), (auto.Errors.Successes, auto.Errors.Trials));
        Assert.False(auto.Flagged);
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public async Task A_finding_that_clears_and_comes_back_is_raised_again()
    {
        var store = await TrailAsync(stamp: false, failedAudits: 10);
        var sink = new RecordingSink();
        using var monitor = new OversightMonitor(store, [sink]);
        Assert.Single((await monitor.CheckAsync()).Raised);

        // Enough passing audits to bring the lower bound under 2% clear it; more failures bring it back.
        for (var i = 0; i < 900; i++)
        {
            await store.AppendAsync(new AuditEntry { Act = ActKind.Decided, CaseId = $"p{i}", At = Start.AddDays(2), ActionType = "transfer.send", Route = RouteLevel.AutoExecute, Flags = DecisionFlags.SampledForAudit, DecidedBy = "default" });
            await store.AppendAsync(new AuditEntry { Act = ActKind.AuditPassed, CaseId = $"p{i}", At = Start.AddDays(2).AddHours(1), Actor = "auditor", ActorRole = "reviewer" });
        }

        Assert.Empty((await monitor.CheckAsync()).Open);
        for (var i = 0; i < 60; i++)
        {
            await store.AppendAsync(new AuditEntry { Act = ActKind.Decided, CaseId = $"f{i}", At = Start.AddDays(3), ActionType = "transfer.send", Route = RouteLevel.AutoExecute, Flags = DecisionFlags.SampledForAudit, DecidedBy = "default" });
            await store.AppendAsync(new AuditEntry { Act = ActKind.AuditFailed, CaseId = $"f{i}", At = Start.AddDays(3).AddHours(1), Actor = "auditor", ActorRole = "reviewer" });
        }

        Assert.Single((await monitor.CheckAsync()).Raised);
        Assert.Equal(2, sink.Alerts.Count);
    }

    [Fact]
    public async Task A_sink_that_throws_is_not_felt_and_the_others_still_get_the_alert()
    {
        var store = await TrailAsync(stamp: false, failedAudits: 10);
        var after = new RecordingSink();
        using var monitor = new OversightMonitor(store, [new ThrowingSink(), after]);

        var check = await monitor.CheckAsync();

        Assert.Single(check.Raised);
        Assert.Single(after.Alerts);
    }

    [Fact]
    public async Task Alerts_are_counted_by_kind_and_open_findings_are_a_gauge()
    {
        var store = await TrailAsync(stamp: true, failedAudits: 10, actionType: "refund.metrics-test");
        using var factory = new OneMeterFactory();
        using var monitor = new OversightMonitor(store, [], meterFactory: factory);
        using var alerts = new MetricCollector<long>(factory.Meter!, HitlTelemetry.OversightAlerts);
        using var findings = new MetricCollector<int>(factory.Meter!, HitlTelemetry.OversightFindings);

        await monitor.CheckAsync();
        findings.RecordObservableInstruments();

        Assert.Equal(["auto-path-error-rate", "rubber-stamp"], alerts.GetMeasurementSnapshot().Select(m => (string)m.Tags[HitlTelemetry.OversightKindTag]!).Order());
        var open = findings.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags[HitlTelemetry.OversightKindTag]!, m => m.Value);
        Assert.Equal(1, open["rubber-stamp"]);
        Assert.Equal(1, open["auto-path-error-rate"]);
        Assert.Equal(0, open["drift"]);
    }

    [Fact]
    public async Task A_timer_checks_on_its_interval()
    {
        var store = await TrailAsync(stamp: false, failedAudits: 10);
        var sink = new RecordingSink();
        var time = new FakeTimeProvider(Start);
        using var monitor = new OversightMonitor(store, [sink], interval: TimeSpan.FromMinutes(10), timeProvider: time);
        Assert.Null(monitor.LastCheck);

        time.Advance(TimeSpan.FromMinutes(10));
        for (var i = 0; i < 200 && monitor.LastCheck is null; i++)
        {
            await Task.Delay(10);
        }

        Assert.NotNull(monitor.LastCheck);
        Assert.Single(sink.Alerts);
    }

    [Fact]
    public async Task In_dependency_injection_the_monitor_reads_the_policys_trail_and_sends_to_the_registered_sinks()
    {
        var store = await TrailAsync(stamp: false, failedAudits: 10);
        var sink = new RecordingSink();
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = """{ "id": "p", "version": "1", "tiers": ["agent"], "defaults": { "route": "review" } }""")
            .AddAuditStore(store)
            .AddOversightMonitor(o => o.MaxAutoErrorRate = 0.05)
            .AddOversightAlertSink(sink);
        await using var provider = services.BuildServiceProvider();

        var check = await provider.GetRequiredService<OversightMonitor>().CheckAsync();

        var alert = Assert.Single(sink.Alerts);
        Assert.Equal(0.05, alert.Threshold);
        Assert.Equal(check.Raised, sink.Alerts);
    }

    [Fact]
    public void A_monitor_without_a_trail_or_with_a_bad_threshold_says_so()
    {
        var services = new ServiceCollection();
        services.AddHitlPolicy(o => o.PolicyJson = """{ "id": "p", "version": "1", "tiers": ["agent"], "defaults": { "route": "review" } }""").AddOversightMonitor();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<OversightMonitor>());
        Assert.Contains("add a case store or an audit store", error.Message, StringComparison.Ordinal);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new OversightMonitor(new InMemoryAuditStore(), [], new OversightOptions { MaxAutoErrorRate = 1.5 }));
        Assert.Contains("OversightOptions.MaxAutoErrorRate must be [0, 1); it is 1.5", range.Message, StringComparison.Ordinal);
    }

    /// <summary>Hands out one meter, so that a collector can listen to exactly the monitor's instruments.</summary>
    private sealed class OneMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        public System.Diagnostics.Metrics.Meter? Meter { get; private set; }

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options) => Meter = new System.Diagnostics.Metrics.Meter(options);

        public void Dispose() => Meter?.Dispose();
    }

    private sealed class RecordingSink : IOversightAlertSink
    {
        private readonly ConcurrentQueue<OversightAlert> _alerts = new();

        public IReadOnlyList<OversightAlert> Alerts => [.. _alerts];

        public ValueTask AlertAsync(OversightAlert alert, CancellationToken cancellationToken = default)
        {
            _alerts.Enqueue(alert);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingSink : IOversightAlertSink
    {
        public ValueTask AlertAsync(OversightAlert alert, CancellationToken cancellationToken = default) => throw new InvalidOperationException("pager down");
    }
}
