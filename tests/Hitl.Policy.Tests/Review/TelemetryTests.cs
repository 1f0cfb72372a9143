using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Hitl.Policy.Tests.Review;

/// <summary>The gate's metrics and spans, by the OpenTelemetry semantic conventions (names, units, error.type, lower-case values).</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public TelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == HitlTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_gate_reports_decisions_escalations_review_duration_timeouts_overrides_acts_and_refusals()
    {
        using var metrics = new GateMetrics();
        Assert.Equal(HitlTelemetry.MeterName, metrics.Meter.Name);
        using var decisions = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Decisions);
        using var duration = new MetricCollector<double>(metrics.Meter, HitlTelemetry.ReviewDuration);
        using var overrides = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Overrides);
        using var timeouts = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Timeouts);
        using var escalations = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Escalations);
        using var refusals = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Refusals);
        using var acts = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Acts);
        using var store = new MetricCollector<double>(metrics.Meter, HitlTelemetry.StoreOperationDuration);

        using var f = new GateFixture();
        using var gate = f.Builder().UseMetrics(metrics).AddCompensationHook(f.Compensation!).Build();
        var auto = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(100), Payload = "p" });
        var open = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(2000), Payload = "p" });
        var open2 = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(2000), Payload = "p" });
        f.Time.Advance(TimeSpan.FromMinutes(30));
        await gate.ApproveAsync(new HumanAct(open.CaseId, "ann", "ok"));
        await gate.OverrideAsync(new HumanAct(auto.CaseId, "ann", "wrong"));
        f.Time.Advance(TimeSpan.FromHours(1));
        await gate.SweepAsync();
        await Assert.ThrowsAsync<ReviewException>(async () => await gate.ApproveAsync(new HumanAct(open2.CaseId, "ann", "ok")));

        Assert.Equal(3, decisions.GetMeasurementSnapshot().Count);
        Assert.Single(decisions.GetMeasurementSnapshot(), m => m.MatchesTags(KeyValuePair.Create<string, object?>(HitlTelemetry.RouteTag, "auto-execute"), KeyValuePair.Create<string, object?>(HitlTelemetry.ActionTypeTag, "refund.issue")));
        Assert.Equal(2, decisions.GetMeasurementSnapshot().Count(m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.RouteTag, "review"))));
        var approved = Assert.Single(duration.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.OutcomeTag, "approved")));
        Assert.Equal(1800, approved.Value);
        Assert.Equal("s", duration.Instrument!.Unit);
        Assert.Single(overrides.GetMeasurementSnapshot());
        Assert.Single(timeouts.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.FallbackTag, "escalate")));
        Assert.Single(escalations.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.CauseTag, "timeout")));
        Assert.Contains(refusals.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.ErrorTypeTag, "tier-too-low")));
        Assert.Contains(acts.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.ActTag, "approved")));
        Assert.Contains(acts.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.ActTag, "overridden")));
        Assert.Contains(store.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.StoreOperationTag, "commit")));
        Assert.Contains(store.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.StoreOperationTag, "get")));
        Assert.DoesNotContain(store.GetMeasurementSnapshot(), m => m.Tags.ContainsKey(HitlTelemetry.ErrorTypeTag));
    }

    [Fact]
    public async Task Sampled_auto_executions_are_counted()
    {
        using var metrics = new GateMetrics();
        using var sampled = new MetricCollector<long>(metrics.Meter, HitlTelemetry.SampledAudits);
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

        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Payload = "p" });

        Assert.True(result.Decision.IsSampledForAudit);
        Assert.Equal(1, sampled.LastMeasurement!.Value);
        Assert.True(sampled.LastMeasurement.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, "a")));
    }

    [Fact]
    public async Task A_submission_is_a_span_with_the_route_and_its_commit_is_a_span_inside_it()
    {
        using var f = new GateFixture();

        var result = await f.SubmitAsync(GateFixture.Refund(2000), caseId: "traced");

        var submit = Assert.Single(_spans, a => Case(a) == "traced" && a.OperationName == "hitl.gate.submit");
        Assert.Equal("review", submit.GetTagItem(HitlTelemetry.RouteTag));
        Assert.Equal("refund.issue", submit.GetTagItem(HitlTelemetry.ActionTypeTag));
        Assert.Equal(GateDisposition.Pending, result.Disposition);
        var commit = Assert.Single(_spans, a => Case(a) == "traced" && a.OperationName == "hitl.store.commit");
        Assert.Equal(submit.SpanId, commit.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, submit.Status);
    }

    [Fact]
    public async Task Every_act_is_a_span_and_a_refused_one_has_error_status_and_the_error_type_without_the_message()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();

        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "checked the order"));
        await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.RejectAsync(new HumanAct(id, "nobody-we-know", "already-refunded", "the order was already refunded")));

        var approve = Assert.Single(_spans, a => Case(a) == id && a.OperationName == "hitl.gate.approve");
        Assert.Equal("ann", approve.GetTagItem(HitlTelemetry.ActorTag));
        Assert.Equal(ActivityStatusCode.Unset, approve.Status);
        var reject = Assert.Single(_spans, a => Case(a) == id && a.OperationName == "hitl.gate.reject");
        Assert.Equal(ActivityStatusCode.Error, reject.Status);
        Assert.Equal("unknown-reviewer", reject.GetTagItem(HitlTelemetry.ErrorTypeTag));
        Assert.Equal("unknown-reviewer", reject.StatusDescription);
        Assert.DoesNotContain(reject.TagObjects, t => t.Value is string s && s.Contains("nobody-we-know", StringComparison.Ordinal) && t.Key != HitlTelemetry.ActorTag);
    }

    [Fact]
    public async Task A_store_that_fails_marks_the_commit_span_and_the_store_duration_with_the_exception_type()
    {
        using var metrics = new GateMetrics();
        using var store = new MetricCollector<double>(metrics.Meter, HitlTelemetry.StoreOperationDuration);
        using var refusals = new MetricCollector<long>(metrics.Meter, HitlTelemetry.Refusals);
        using var f = new GateFixture();
        using var gate = f.Builder().UseMetrics(metrics).Build();
        f.Audit.FailWhen = e => e.Act == ActKind.Decided;

        await Assert.ThrowsAsync<ReviewException>(async () =>
            await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(2000), Payload = "p", CaseId = "lost" }));

        var commit = Assert.Single(_spans, a => Case(a) == "lost" && a.OperationName == "hitl.store.commit");
        Assert.Equal(ActivityStatusCode.Error, commit.Status);
        Assert.Equal("System.IO.IOException", commit.GetTagItem(HitlTelemetry.ErrorTypeTag));
        var submit = Assert.Single(_spans, a => Case(a) == "lost" && a.OperationName == "hitl.gate.submit");
        Assert.Equal("audit-append-failed", submit.GetTagItem(HitlTelemetry.ErrorTypeTag));
        Assert.Single(store.GetMeasurementSnapshot(), m => m.MatchesTags(KeyValuePair.Create<string, object?>(HitlTelemetry.StoreOperationTag, "commit"), KeyValuePair.Create<string, object?>(HitlTelemetry.ErrorTypeTag, "System.IO.IOException")));
        Assert.Single(refusals.GetMeasurementSnapshot(), m => m.ContainsTags(new KeyValuePair<string, object?>(HitlTelemetry.ErrorTypeTag, "audit-append-failed")));
    }

    [Fact]
    public void The_meter_and_the_activity_source_carry_the_package_version()
    {
        var informational = typeof(HitlTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        using var metrics = new GateMetrics();

        Assert.False(string.IsNullOrEmpty(HitlTelemetry.Version));
        Assert.StartsWith(HitlTelemetry.Version, informational, StringComparison.Ordinal);
        Assert.DoesNotContain('+', HitlTelemetry.Version);
        Assert.Equal(HitlTelemetry.Version, metrics.Meter.Version);
        Assert.Equal(HitlTelemetry.Version, GateMetrics.ActivitySource.Version);
        Assert.Equal(HitlTelemetry.MeterName, HitlTelemetry.ActivitySourceName);
    }

    [Fact]
    public void Tag_values_of_acts_states_and_error_codes_are_lower_case_and_the_json_names_of_the_records()
    {
        foreach (var act in Enum.GetValues<ActKind>())
        {
            Assert.Equal(JsonSerializer.Serialize(act).Trim('"'), TagValue<ActKind>.Of(act));
        }

        foreach (var state in Enum.GetValues<CaseState>())
        {
            Assert.Equal(JsonSerializer.Serialize(state).Trim('"'), TagValue<CaseState>.Of(state));
        }

        foreach (var code in Enum.GetValues<ReviewErrorCode>())
        {
            var value = TagValue<ReviewErrorCode>.Of(code);
            Assert.Matches("^[a-z]+(-[a-z]+)*$", value);
        }

        Assert.Equal("store-unavailable", TagValue<ReviewErrorCode>.Of(ReviewErrorCode.StoreUnavailable));
    }

    private static string? Case(Activity activity) => activity.GetTagItem(HitlTelemetry.CaseIdTag) as string;
}
