using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.Snippets;

/// <summary>The README's section "Oversight you can run" and docs/oversight.md.</summary>
public static class OversightSnippet
{
    /// <summary>Segments from a host field and from the request, in dependency injection and outside it.</summary>
    public static async Task SegmentsAsync(
        WebApplicationBuilder builder, ICaseStore store, IReviewSink sink, IReviewerDirectory directory,
        IEscalationPolicy<Signals> policy, Signals signals, string offerJson)
    {
        #region segments
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .AddReviewGate()
            .SegmentBy("region", s => s.Texts.GetValueOrDefault("customer.region"));   // a host field, on every case

        using var gate = new ReviewGateBuilder<Signals>(policy)
            .UseCaseStore(store).AddReviewSink(sink).AddReviewerDirectory(directory)
            .SegmentBy("region", s => s.Texts.GetValueOrDefault("customer.region"))
            .Build();
        await gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = signals,
            Payload = offerJson,
            Segments = new Dictionary<string, string> { ["language"] = "es" },   // or per request
        });
        #endregion
    }

    /// <summary>The bias section on its own, over a trail.</summary>
    public static async Task BiasAsync(IAuditStore store)
    {
        #region bias
        var observed = await ObservedCases.CollectAsync(store.ReadAsync());
        var bias = SegmentAnalyzer.Analyze(observed.Cases, new SegmentOptions { MinimumSample = 50 });
        foreach (var finding in bias.Findings)
        {
            Console.WriteLine($"{finding.Source}: {finding.Reason}");   // automated (the policy) or human (the reviewers)
        }
        #endregion
    }

    /// <summary>A candidate policy beside the active one on live traffic.</summary>
    public static void Shadow(WebApplicationBuilder builder)
    {
        #region shadow
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .AddReviewGate()
            .AddShadowPolicy(o =>
            {
                o.PolicyPath = "policies/refunds.next.json";   // the candidate: never routes, only watches
                o.SampleRate = 0.1;                            // a tenth of the differing decisions is recorded
                o.RecordPath = "shadow.jsonl";                 // read with: hitl shadow --records shadow.jsonl --audit audit.jsonl
            });
        #endregion
    }

    /// <summary>The monitor and its alerts, in dependency injection and outside it.</summary>
    public static async Task MonitorAsync(WebApplicationBuilder builder, IOversightAlertSink myPager, ICaseStore store)
    {
        #region monitor
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .AddCaseStore(store)
            .AddOversightMonitor(o => o.MaxAutoErrorRate = 0.01, interval: TimeSpan.FromHours(1))
            .AddOversightAlertSink(myPager);   // resolve OversightMonitor at start-up to start its timer

        using var monitor = new OversightMonitor(store.Audit, [myPager], new OversightOptions { MaxAutoErrorRate = 0.01 });
        var check = await monitor.CheckAsync();   // check.Raised went to the pager; check.Open is everything open now
        #endregion
        _ = check;
    }
}
