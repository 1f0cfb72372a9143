using Hitl.Policy.AI;
using Hitl.Policy.Review;

namespace Hitl.Policy.Samples.AgentTools;

/// <summary>
/// A reviewer at their desk, simulated: they watch the review queue (the gate's review sink) and decide each ticket
/// that arrives through the gate, as an inbox or a chat bot would. Here jules approves the restart while the agent's
/// call waits for the decision.
/// </summary>
internal sealed class ReviewerDesk : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;

    private ReviewerDesk(ReviewGate<ToolCall> gate, InMemoryReviewSink queue, string reviewerId, TextWriter log)
    {
        _watching = WatchAsync(gate, queue, reviewerId, log, _stop.Token);
    }

    public static ReviewerDesk Open(ReviewGate<ToolCall> gate, InMemoryReviewSink queue, string reviewerId, TextWriter log) =>
        new(gate, queue, reviewerId, log);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the desk closed
        }

        _stop.Dispose();
    }

    private static async Task WatchAsync(ReviewGate<ToolCall> gate, InMemoryReviewSink queue, string reviewerId, TextWriter log, CancellationToken stop)
    {
        var seen = 0;
        while (true)
        {
            var tickets = queue.Tickets;
            for (; seen < tickets.Count; seen++)
            {
                var ticket = tickets[seen];
                var tool = ticket.Correlation?.GetValueOrDefault(ToolGate.ToolNameCorrelation) ?? ticket.ActionType;
                var within = ticket.DeadlineAt is { } deadline ? $", within {(deadline - ticket.At).TotalMinutes:0} min" : "";
                var approvals = ticket.RequiredApprovals == 1 ? "1 approval" : $"{ticket.RequiredApprovals} approvals";
                Lines.Write(log, "inbox", $"{tool} waits for review: tier {ticket.RequiredTier}, {approvals}{within}");

                // Written before the act: once it is recorded, the waiting call runs at once and writes its own line.
                Lines.Write(log, reviewerId, $"approves {tool} (runbook-step)");
                _ = await gate.ApproveAsync(
                    new HumanAct(ticket.CaseId, reviewerId, "runbook-step", "Billing errors for customers; a restart is the runbook's first step."), stop).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), stop).ConfigureAwait(false);
        }
    }
}
