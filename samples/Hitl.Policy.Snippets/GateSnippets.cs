using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.Snippets;

/// <summary>The README's section "Around Route(): the review gate".</summary>
public static class GateSnippets
{
    /// <summary>The gate from dependency injection, and one submission through it.</summary>
    public static async Task SubmitAsync(
        WebApplicationBuilder builder, IReviewSink myQueueSink, IReviewerDirectory myDirectory, INotificationSink myChatNotifier,
        ICompensationHook myRefundReverser, ReviewGate<Signals> gate, Signals signals, string offerJson, CancellationToken ct)
    {
        #region gate-di
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))   // PolicyPath or PolicyJson
            .AddReviewGate()                                                      // settings from Hitl:Gate, checked at start
            .AddJsonLinesAuditStore("audit.jsonl")                                // opened at first use, not here
            .AddReviewSink(myQueueSink)
            .AddReviewerDirectory(myDirectory)
            .AddNotificationSink(myChatNotifier)
            .AddCompensationHook(myRefundReverser)
            .AddEscalationHandler(new PageOnCall(), tier: "director");

        // The gate routes the context itself; pass Decision = policy.Route(signals) too, and a mismatch is refused.
        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Payload = offerJson }, ct);
        if (result.MayExecute)
        {
            Execute(offerJson);
        }
        else if (result.Disposition == GateDisposition.Pending)
        {
            var outcome = await gate.WaitForOutcomeAsync(result.CaseId, ct);   // or GetCaseAsync(caseId) later
            if (outcome.Execute) Execute(outcome.Payload!);                     // the payload as approved, edited or not
        }
        #endregion
    }

    /// <summary>The gate outside dependency injection.</summary>
    public static ReviewGate<Signals> Build(IEscalationPolicy<Signals> policy, IAuditStore audit, IReviewSink queue, IReviewerDirectory directory)
    {
        #region gate-builder
        using var gate = new ReviewGateBuilder<Signals>(policy)
            .AddAuditStore(audit)
            .AddReviewSink(queue)
            .AddReviewerDirectory(directory)
            .Configure(o => o.SweepInterval = TimeSpan.FromSeconds(30))
            .UseTimeProvider(TimeProvider.System)                     // the one clock: deadlines, records, sweeps
            .Build();
        #endregion
        return gate;
    }

    private static void Execute(string payload) => Console.WriteLine(payload);

    /// <summary>An escalation handler that pages whoever is on call.</summary>
    private sealed class PageOnCall : IEscalationHandler
    {
        public ValueTask<EscalationHandling> HandleAsync(Escalation escalation, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(EscalationHandling.Stop);
    }
}
