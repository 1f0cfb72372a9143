using System.Collections.Concurrent;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.AI.Tests.Support;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI.Tests;

/// <summary>The law of the tool gate, over generated calls and reviewers: nothing the policy stops runs without a recorded approval.</summary>
public sealed class ToolCallLawTests
{
    private static readonly string[] ToolNames = ["lookup_order", "issue_refund", "restart_service", "delete_account"];

    [Property(MaxTest = 40, Arbitrary = [typeof(PlannedCalls)])]
    public async Task A_call_the_policy_does_not_auto_execute_never_runs_without_a_recorded_approval(PlannedCall[] plan)
    {
        using var agent = new AgentTools();
        var calls = plan.Select((p, i) => ($"c-{i}", ToolNames[p.Tool], (object?)p.Arguments())).ToArray();
        var model = new ScriptedModel(ScriptedModel.Batch(calls));
        using var client = AgentTools.Direct(model, concurrent: true);
        var gated = agent.Functions.OfType<GatedAIFunction>().ToDictionary(f => f.Name, StringComparer.Ordinal);
        var expected = calls.Select((c, i) => agent.Policy.Route(gated[c.Item2].Read(Values(plan[i]), c.Item1))).ToArray();

        using var done = new CancellationTokenSource();
        var turn = client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], agent.Options(), done.Token);
        var reviewer = ReviewAsync(agent, plan, turn);
        await Task.WhenAll(turn, reviewer).WaitAsync(TimeSpan.FromSeconds(60));

        var trail = await agent.TrailAsync();
        var ran = agent.Runs.Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < calls.Length; i++)
        {
            var callId = calls[i].Item1;
            var records = trail.Where(r => r.Entry.Correlation?.GetValueOrDefault(CaseCorrelation.ToolCallId) == callId).ToList();
            var approved = records.Any(r => r.Entry.Act is ActKind.Approved or ActKind.Edited);
            var automatic = expected[i].Route.IsAutomatic();
            var shouldRun = automatic || (plan[i].Approve && expected[i].Route != RouteLevel.Block);
            var what = $"{callId} {calls[i].Item2} {plan[i]} routed {expected[i].Route} by {expected[i].DecidedBy}: ran {ran.Contains(callId)}, acts {string.Join(",", records.Select(r => r.Entry.Act))}";
            Assert.True(ran.Contains(callId) == shouldRun, what);
            Assert.True(!ran.Contains(callId) || automatic || approved, what);
            Assert.True(!ran.Contains(callId) || records.Any(r => r.Entry.Act == ActKind.Executed), what); // what ran is on record as executed
        }
    }

    /// <summary>A reviewer who answers each ticket as planned: approves (with as many managers as it needs) or rejects.</summary>
    private static async Task ReviewAsync(AgentTools agent, PlannedCall[] plan, Task turn)
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        while (!turn.IsCompleted)
        {
            foreach (var ticket in agent.Sink.Tickets.Where(t => handled.Add(t.CaseId)))
            {
                var index = int.Parse(ticket.Correlation![CaseCorrelation.ToolCallId].AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
                if (plan[index].Approve)
                {
                    foreach (var manager in new[] { ticket.RequiredTier == "manager" ? "sam" : "jules", "mia" }.Take(ticket.RequiredApprovals))
                    {
                        await agent.Gate.ApproveAsync(new HumanAct(ticket.CaseId, manager, "ok"));
                    }
                }
                else
                {
                    await agent.Gate.RejectAsync(new HumanAct(ticket.CaseId, "sam", "no", "Not now."));
                }
            }

            await Task.WhenAny(turn, Task.Delay(5));
        }
    }

    private static Dictionary<string, object?> Values(PlannedCall call) =>
        System.Text.Json.JsonSerializer.SerializeToElement(call.Arguments()).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);

    /// <summary>One generated call: which tool, its arguments (an amount, an environment, or one left out) and what its reviewer will say.</summary>
    public sealed record PlannedCall(int Tool, double Amount, string? Environment, bool Approve)
    {
        public object Arguments() => Tool switch
        {
            0 => new { orderId = "A-1" },
            1 => new { orderId = "A-1", amount = Amount, reason = "r" },
            2 => Environment is null ? new { service = "billing" } : new { service = "billing", environment = Environment },
            _ => new { customerId = "C-1" },
        };
    }

    public static class PlannedCalls
    {
        public static Arbitrary<PlannedCall[]> Plans() =>
            (from count in Gen.Choose(1, 8)
             from calls in (from tool in Gen.Choose(0, 3)
                            from amount in Gen.Frequency((3, Gen.Choose(0, 200).Select(i => (double)i)), (2, Gen.Choose(0, 3000).Select(i => (double)i)), (1, Gen.Elements(-5.0, 99.99, 100.0, 999.99, 1000.0)))
                            from environment in Gen.Elements<string?>("staging", "production", "Staging", "", null)
                            from approve in Gen.Elements(true, false)
                            select (tool, amount, environment, approve)).ArrayOf(count)
             select calls.Select(c => new PlannedCall(c.tool, c.amount, c.environment, c.approve)).ToArray()).ToArbitrary();
    }
}
