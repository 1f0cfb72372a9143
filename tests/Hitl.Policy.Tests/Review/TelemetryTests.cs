using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Tests.Review;

public sealed class TelemetryTests
{
    [Fact]
    public async Task The_gate_reports_decisions_escalations_latency_timeouts_overrides_and_samples_on_its_meter()
    {
        using var metrics = new GateMetrics();
        Assert.Equal(HitlTelemetry.MeterName, metrics.Meter.Name);
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();

        using var f = new GateFixture();
        using var gate = f.Builder().UseMetrics(metrics).AddCompensationHook(f.Compensation!).Build();
        var signals = GateFixture.Refund(100);
        var auto = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = f.Policy.Route(signals), Payload = "p" });
        var review = GateFixture.Refund(2000);
        var open = await gate.SubmitAsync(new GateRequest<Signals> { Context = review, Decision = f.Policy.Route(review), Payload = "p" });
        var open2 = await gate.SubmitAsync(new GateRequest<Signals> { Context = review, Decision = f.Policy.Route(review), Payload = "p" });
        f.Time.Advance(TimeSpan.FromMinutes(30));
        await gate.ApproveAsync(new HumanAct(open.CaseId, "ann", "ok"));
        await gate.OverrideAsync(new HumanAct(auto.CaseId, "ann", "wrong"));
        f.Time.Advance(TimeSpan.FromHours(1));
        await gate.SweepAsync();
        await Assert.ThrowsAsync<ReviewException>(async () => await gate.ApproveAsync(new HumanAct(open2.CaseId, "ann", "ok")));

        var decisions = measured.Where(m => m.Instrument == HitlTelemetry.Decisions).ToList();
        Assert.Equal(3, decisions.Count);
        Assert.Contains(decisions, m => (string?)m.Tags[HitlTelemetry.RouteTag] == "auto-execute" && (string?)m.Tags[HitlTelemetry.ActionTypeTag] == "refund.issue");
        Assert.Equal(2, decisions.Count(m => (string?)m.Tags[HitlTelemetry.RouteTag] == "review"));
        var latency = Assert.Single(measured, m => m.Instrument == HitlTelemetry.ReviewLatency && (string?)m.Tags[HitlTelemetry.OutcomeTag] == "approved");
        Assert.Equal(1800, latency.Value);
        Assert.Single(measured, m => m.Instrument == HitlTelemetry.Overrides);
        Assert.Single(measured, m => m.Instrument == HitlTelemetry.Timeouts && (string?)m.Tags[HitlTelemetry.FallbackTag] == "escalate");
        Assert.Single(measured, m => m.Instrument == HitlTelemetry.Escalations && (string?)m.Tags[HitlTelemetry.CauseTag] == "timeout");
        Assert.Contains(measured, m => m.Instrument == HitlTelemetry.Refusals && (string?)m.Tags[HitlTelemetry.ErrorTag] == "TierTooLow");
        Assert.Contains(measured, m => m.Instrument == HitlTelemetry.Acts && (string?)m.Tags[HitlTelemetry.ActTag] == "Approved");
    }

    [Fact]
    public async Task Sampled_auto_executions_are_counted()
    {
        using var metrics = new GateMetrics();
        var sampled = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == HitlTelemetry.SampledAudits)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref sampled, v));
        listener.Start();
        var definition = Hitl.Policy.PolicyJson.Parse("""
            { "id": "s", "version": "1", "defaults": { "route": "auto-execute", "sampling": { "rate": 1.0, "mode": "flag" } }, "actions": { "a": {} } }
            """);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        using var gate = new ReviewGateBuilder<Signals>(policy)
            .AddAuditStore(new FakeAuditStore())
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory())
            .UseMetrics(metrics)
            .Build();
        var signals = new Signals { ActionType = "a", RequestId = "r1" };

        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = policy.Route(signals), Payload = "p" });

        Assert.True(result.Decision.IsSampledForAudit);
        Assert.Equal(1, Interlocked.Read(ref sampled));
    }

    [Fact]
    public async Task The_gate_starts_an_activity_per_submission()
    {
        var activities = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HitlTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var f = new GateFixture();

        var result = await f.SubmitAsync(GateFixture.Refund(2000), caseId: "traced");

        var activity = Assert.Single(activities, a => (string?)a.GetTagItem(HitlTelemetry.CaseIdTag) == "traced" && a.OperationName == "hitl.gate.submit");
        Assert.Equal("review", activity.GetTagItem(HitlTelemetry.RouteTag));
        Assert.Equal(GateDisposition.Pending, result.Disposition);

        // The case and its decision record commit to the store in a span of their own, under the submit's.
        var commit = Assert.Single(activities, a => (string?)a.GetTagItem(HitlTelemetry.CaseIdTag) == "traced" && a.OperationName == "hitl.store.commit");
        Assert.Equal(activity.SpanId, commit.ParentSpanId);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value;
        }

        return map;
    }
}
