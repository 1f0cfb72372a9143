using System.Diagnostics;
using System.Net;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Samples.ReviewerInbox;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>
/// OpenTelemetry wired with one line each (<c>AddHitlInstrumentation()</c>) in the inbox sample: the gate's spans arrive
/// inside the ASP.NET Core request that caused them, and its metrics arrive with lower-case tags and the review buckets.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly InboxApp _app;

    public TelemetryTests() => _app = new InboxApp
    {
        AddServices = services => services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource("Microsoft.AspNetCore").AddHitlInstrumentation().AddInMemoryExporter(_spans))
            .WithMetrics(m => m.AddHitlInstrumentation().AddInMemoryExporter(_metrics)),
    };

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_approval_in_the_inbox_is_a_gate_span_inside_the_request_span_with_its_store_operations_inside_it()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), """{"order":7,"amount":100.00}""");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, $"/review/cases/{id}");

        using var response = await InboxApp.SubmitAsync(jules, page, $"/review/cases/{id}/approve");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Flush();
        // Listeners are process-wide: other tests' gates report too, so the spans are told apart by the case id.
        var approve = Assert.Single(Spans(), s => s.OperationName == "hitl.gate.approve" && Equals(s.GetTagItem(HitlTelemetry.CaseIdTag), id));
        var request = Assert.Single(Spans(), s => s.SpanId == approve.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        Assert.Equal(request.TraceId, approve.TraceId);
        Assert.Equal(HitlTelemetry.ActivitySourceName, approve.Source.Name);
        Assert.Equal(HitlTelemetry.Version, approve.Source.Version);
        Assert.Equal(DemoPeople.Junior, approve.GetTagItem(HitlTelemetry.ActorTag));
        Assert.NotEqual(ActivityStatusCode.Error, approve.Status);
        var inside = Spans().Where(s => s.ParentSpanId == approve.SpanId).Select(s => s.OperationName).ToList();
        Assert.Contains("hitl.store.get", inside);
        Assert.Contains("hitl.store.commit", inside);
        var commit = Spans().Single(s => s.ParentSpanId == approve.SpanId && s.OperationName == "hitl.store.commit");
        Assert.Equal("commit", commit.GetTagItem(HitlTelemetry.StoreOperationTag));
    }

    [Fact]
    public async Task The_metrics_arrive_with_lower_case_tags_review_buckets_of_seconds_to_a_week_and_the_meter_version()
    {
        var id = await _app.OpenAsync(InboxApp.Refund(100), """{"order":8,"amount":100.00}""");
        using var jules = await _app.SignInAsync(DemoPeople.Junior);
        var page = await InboxApp.PageAsync(jules, $"/review/cases/{id}");
        _app.Time.Advance(TimeSpan.FromMinutes(2));
        using var response = await InboxApp.SubmitAsync(jules, page, $"/review/cases/{id}/approve");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        Flush();

        var acts = Points(HitlTelemetry.Acts);
        Assert.Contains(acts, p => Equals(Tag(p, HitlTelemetry.ActTag), "approved") && Equals(Tag(p, HitlTelemetry.ActionTypeTag), "refund.issue"));
        Assert.Contains(Points(HitlTelemetry.Decisions), p => Equals(Tag(p, HitlTelemetry.RouteTag), "review"));
        var duration = _metrics.Last(m => m.Name == HitlTelemetry.ReviewDuration);
        Assert.Equal("s", duration.Unit);
        Assert.Equal(HitlTelemetry.MeterName, duration.MeterName);
        Assert.Equal(HitlTelemetry.Version, duration.MeterVersion);
        var point = Assert.Single(Points(HitlTelemetry.ReviewDuration), p => Equals(Tag(p, HitlTelemetry.OutcomeTag), "approved") && Equals(Tag(p, HitlTelemetry.ActionTypeTag), "refund.issue"));
        Assert.True(point.GetHistogramSum() >= 120, $"the review took two minutes by the app's clock; the histogram says {point.GetHistogramSum()} s");
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal([.. HitlTelemetry.ReviewDurationBuckets, double.PositiveInfinity], bounds);
        Assert.Contains(Points(HitlTelemetry.StoreOperationDuration), p => Equals(Tag(p, HitlTelemetry.StoreOperationTag), "commit"));
        foreach (var metric in _metrics.Where(m => m.MeterName == HitlTelemetry.MeterName))
        {
            foreach (var p in PointsOf(metric))
            {
                foreach (var tag in p.Tags)
                {
                    if (tag.Key != HitlTelemetry.ActionTypeTag && tag.Value is string text)
                    {
                        Assert.False(text.Any(char.IsUpper), $"{metric.Name} has the tag {tag.Key}={text}, not lower case");
                    }
                }
            }
        }
    }

    private void Flush()
    {
        Assert.True(_app.Services.GetRequiredService<TracerProvider>().ForceFlush());
        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush());
    }

    private List<Activity> Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    private List<MetricPoint> Points(string name)
    {
        var metric = _metrics.LastOrDefault(m => m.Name == name);
        Assert.True(metric is not null, $"No metric {name} arrived; arrived: {string.Join(", ", _metrics.Select(m => m.Name).Distinct())}");
        return PointsOf(metric);
    }

    private static List<MetricPoint> PointsOf(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var p in metric.GetMetricPoints())
        {
            points.Add(p);
        }

        return points;
    }

    private static object? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value;
            }
        }

        return null;
    }
}
