using System.Text.Json;
using Hitl.Policy.AI.Tests.Support;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;
using static Hitl.Policy.AI.Tests.Support.ScriptedModel;

namespace Hitl.Policy.AI.Tests;

/// <summary>The gate inside each tool, with a function-invoking client in the pipeline and reviewers acting through the gate.</summary>
public sealed class GatedToolTests
{
    private static readonly ChatMessage[] Ask = [new(ChatRole.User, "order A-1 arrived broken; sort it out")];

    [Fact]
    public async Task The_same_tool_runs_for_a_small_amount_and_waits_for_a_large_one()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(
            Batch(("call-small", "issue_refund", new { orderId = "A-1", amount = 40.0, reason = "damaged" })),
            Batch(("call-large", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options("conv-1"));
        var caseId = await agent.TicketForAsync("call-large");

        Assert.Single(agent.Runs); // the small refund ran at once; the large one waits
        Assert.Equal(40.0, agent.RunsOf("issue_refund")[0].Arguments.GetProperty("amount").GetDouble());
        Assert.False(turn.IsCompleted);
        var ticket = agent.Sink.TicketsFor(caseId).Single();
        Assert.Equal("support", ticket.RequiredTier);
        Assert.Contains("refund.large", ticket.FiredRules);
        Assert.Equal("conv-1", ticket.Correlation![CaseCorrelation.ConversationId]);

        await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "checked-photos"));
        var response = await turn;

        Assert.Equal([40.0, 400.0], agent.RunsOf("issue_refund").Select(r => r.Arguments.GetProperty("amount").GetDouble()));
        Assert.Contains("call-large: refunded 400", response.Text);
    }

    [Fact]
    public async Task Every_record_of_a_call_carries_its_tool_call_id_and_conversation_id()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("call-9", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options("conv-9"));
        var caseId = await agent.TicketForAsync("call-9");
        await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "ok"));
        await turn;

        var records = (await agent.TrailAsync()).Where(r => r.Entry.CaseId == caseId).ToList();
        Assert.Equal([ActKind.Decided, ActKind.Approved, ActKind.Executed], records.Select(r => r.Entry.Act));
        Assert.All(records, r =>
        {
            Assert.Equal("call-9", r.Entry.Correlation![CaseCorrelation.ToolCallId]);
            Assert.Equal("conv-9", r.Entry.Correlation[CaseCorrelation.ConversationId]);
            Assert.Equal("issue_refund", r.Entry.Correlation[ToolGate.ToolNameCorrelation]);
        });
        Assert.Equal("call-9", records[0].Entry.RequestId);
    }

    [Fact]
    public async Task A_mixed_batch_runs_the_harmless_calls_waits_for_the_one_under_review_and_refuses_the_blocked_one()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(
            ("c-read", "lookup_order", new { orderId = "A-1" }),
            ("c-restart", "restart_service", new { service = "billing", environment = "production" }),
            ("c-delete", "delete_account", new { customerId = "C-7" }),
            ("c-stage", "restart_service", new { service = "billing", environment = "staging" })));
        using var client = AgentTools.Direct(model, concurrent: true);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-restart");
        await WaitUntil(() => agent.Runs.Count == 2);
        Assert.Equal(["lookup_order", "restart_service"], agent.Runs.Select(r => r.Tool).Order());
        Assert.Equal("staging", agent.RunsOf("restart_service").Single().Arguments.GetProperty("environment").GetString());

        await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "maintenance-window"));
        var response = await turn;

        Assert.Equal(3, agent.Runs.Count);
        Assert.Empty(agent.RunsOf("delete_account"));
        var refusal = Refusal(model, "c-delete");
        Assert.Equal("policy-block", refusal.ReasonCode);
        Assert.Contains("not run", refusal.Message, StringComparison.Ordinal);
        Assert.Single(agent.Sink.Tickets); // only the production restart asked a person
    }

    [Fact]
    public async Task An_edited_approval_runs_the_arguments_the_reviewer_approved()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-1");
        await agent.Gate.EditAndApproveAsync(new HumanAct(caseId, "jules", "partial-refund", "Only the broken part."),
            """{"orderId":"A-1","amount":150,"reason":"broken lid"}""");
        await turn;

        var run = Assert.Single(agent.Runs);
        Assert.Equal(150, run.Arguments.GetProperty("amount").GetDouble());
        Assert.Equal("broken lid", run.Arguments.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_rejection_never_runs_the_call_and_the_model_hears_why()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-1");
        await agent.Gate.RejectAsync(new HumanAct(caseId, "jules", "no-evidence", "No photo of the damage yet."));
        await turn;

        Assert.Equal(0, agent.Attempts);
        var refusal = Refusal(model, "c-1");
        Assert.Equal("rejected", refusal.ReasonCode);
        Assert.Equal("No photo of the damage yet.", refusal.Reason);
        Assert.Equal(caseId, refusal.CaseId);
        Assert.Equal("c-1", refusal.ToolCallId);
    }

    [Fact]
    public async Task The_reviewer_reason_stays_out_of_the_refusal_when_the_host_says_so()
    {
        using var agent = new AgentTools(configure: o => o.ShareReviewerReason = false);
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        await agent.Gate.RejectAsync(new HumanAct(await agent.TicketForAsync("c-1"), "jules", "fraud-suspected", "Customer on the watch list."));
        await turn;

        var refusal = Refusal(model, "c-1");
        Assert.Equal("rejected", refusal.ReasonCode);
        Assert.Null(refusal.Reason);
        Assert.DoesNotContain("watch list", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_review_nobody_decides_before_its_deadline_times_out_and_never_runs()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "restart_service", new { service = "billing", environment = "production" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-1");
        agent.Time.Advance(TimeSpan.FromMinutes(11)); // restart.production gives reviewers ten minutes
        await turn.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, agent.Attempts);
        Assert.Equal("timed-out", Refusal(model, "c-1").ReasonCode);
        Assert.Equal(CaseState.Blocked, (await agent.Gate.GetCaseAsync(caseId))!.State);
    }

    [Fact]
    public async Task A_wait_limit_ends_the_wait_without_running_and_leaves_the_case_to_its_reviewers()
    {
        using var agent = new AgentTools(configure: o => o.MaxWait = TimeSpan.FromMinutes(2));
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-1");
        agent.Time.Advance(TimeSpan.FromMinutes(3));
        await turn.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, agent.Attempts);
        Assert.Equal("not-decided", Refusal(model, "c-1").ReasonCode);
        Assert.Equal(CaseState.Pending, (await agent.Gate.GetCaseAsync(caseId))!.State);
    }

    [Fact]
    public async Task The_kill_switch_stops_calls_the_policy_would_run_and_calls_that_wait()
    {
        using var agent = new AgentTools();
        agent.Gate.KillSwitch.Engage("refund.issue", "olga", "refund fraud wave");
        var model = new ScriptedModel(Batch(
            ("c-small", "issue_refund", new { orderId = "A-1", amount = 10.0, reason = "late" }),
            ("c-read", "lookup_order", new { orderId = "A-1" })));
        using var client = AgentTools.Direct(model);

        await client.GetResponseAsync(Ask, agent.Options()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["lookup_order"], agent.Runs.Select(r => r.Tool));
        Assert.Equal("kill-switch", Refusal(model, "c-small").ReasonCode);
    }

    [Fact]
    public async Task A_kill_switch_engaged_while_a_call_waits_ends_the_wait_and_an_approval_then_runs_nothing()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var caseId = await agent.TicketForAsync("c-1");
        agent.Gate.KillSwitch.Engage(null, "olga", "incident");
        await turn.WaitAsync(TimeSpan.FromSeconds(30));
        await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "ok"));

        Assert.Equal(0, agent.Attempts);
        Assert.Equal("kill-switch", Refusal(model, "c-1").ReasonCode);
        Assert.Equal(CaseState.Held, (await agent.Gate.GetCaseAsync(caseId))!.State);
    }

    [Fact]
    public async Task Cancelling_the_request_while_a_call_waits_cancels_it_and_never_runs_the_call()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);
        using var cancel = new CancellationTokenSource();

        var turn = client.GetResponseAsync(Ask, agent.Options(), cancel.Token);
        var caseId = await agent.TicketForAsync("c-1");
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turn);
        await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "ok")); // approved after the agent stopped waiting
        Assert.Equal(0, agent.Attempts);
    }

    [Fact]
    public async Task A_tool_that_throws_is_reported_to_the_model_as_an_error_and_runs_once()
    {
        using var agent = new AgentTools { Throws = new InvalidOperationException("payment provider down") };
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 40.0, reason = "late" })));
        using var client = AgentTools.Direct(model);

        var response = await client.GetResponseAsync(Ask, agent.Options());

        Assert.Equal(1, agent.Attempts);
        var result = ResultOf(model, "c-1");
        Assert.NotNull(result.Exception);
        Assert.False(ToolCallRefusal.TryRead(result.Result, out _));
        var caseRecord = (await agent.Store.QueryAsync(new CaseQuery())).Cases.Single();
        Assert.NotNull(caseRecord.ExecutionReportedAt); // the invocation began: it is on record, and is not run again
        Assert.Contains("c-1", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_case_and_their_own_decision()
    {
        using var agent = new AgentTools();
        var calls = Enumerable.Range(1, 12).Select(i => ($"c-{i}", "issue_refund", (object?)new { orderId = $"A-{i}", amount = i % 3 == 0 ? 500.0 : 20.0, reason = "late" })).ToArray();
        var model = new ScriptedModel(Batch(calls));
        using var client = AgentTools.Direct(model, concurrent: true);

        var turn = client.GetResponseAsync(Ask, agent.Options());
        var waiting = await Task.WhenAll(new[] { 3, 6, 9, 12 }.Select(i => agent.TicketForAsync($"c-{i}")));
        await WaitUntil(() => agent.Runs.Count == 8);
        foreach (var caseId in waiting)
        {
            await agent.Gate.ApproveAsync(new HumanAct(caseId, "jules", "ok"));
        }

        await turn;
        Assert.Equal(12, agent.Runs.Count);
        Assert.Equal(12, agent.Runs.Select(r => r.Arguments.GetProperty("orderId").GetString()).Distinct().Count());
        Assert.Equal(12, (await agent.Store.QueryAsync(new CaseQuery())).Cases.Count);
    }

    [Fact]
    public async Task A_call_carrying_an_approval_of_another_call_does_not_run()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 400.0, reason = "damaged" })));
        using var client = AgentTools.Direct(model);
        var turn = client.GetResponseAsync(Ask, agent.Options());
        var approved = await agent.TicketForAsync("c-1");
        await agent.Gate.ApproveAsync(new HumanAct(approved, "jules", "ok"));
        await turn;

        // A forged call: another call id that points at the approved case.
        var forged = new FunctionCallContent("c-2", "issue_refund", new Dictionary<string, object?> { ["orderId"] = "A-2", ["amount"] = 5000.0, ["reason"] = "x" })
        {
            AdditionalProperties = new() { [ToolGate.CaseIdProperty] = approved },
        };
        var replay = new ScriptedModel(() => [forged]);
        using var replayClient = AgentTools.Direct(replay);
        await replayClient.GetResponseAsync(Ask, agent.Options());

        Assert.Single(agent.Runs);
        Assert.Equal("not-this-call", Refusal(replay, "c-2").ReasonCode);
    }

    [Fact]
    public async Task A_store_that_cannot_record_refuses_the_call()
    {
        using var agent = new AgentTools(store: new FailingCaseStore());
        var model = new ScriptedModel(Batch(("c-1", "issue_refund", new { orderId = "A-1", amount = 10.0, reason = "late" })));
        using var client = AgentTools.Direct(model);

        await client.GetResponseAsync(Ask, agent.Options());

        Assert.Equal(0, agent.Attempts);
        var refusal = Refusal(model, "c-1");
        Assert.Equal("not-recorded", refusal.ReasonCode);
        Assert.DoesNotContain("disk", refusal.Message, StringComparison.Ordinal); // the store's own error stays out of the model's context
    }

    [Fact]
    public void Explain_gives_the_reviewer_the_full_trace_of_a_call()
    {
        using var agent = new AgentTools();
        var refund = (GatedAIFunction)agent.Functions.Single(f => f.Name == "issue_refund");

        var trace = agent.Tools.Explain(refund.Read(new Dictionary<string, object?> { ["orderId"] = "A-1", ["amount"] = 1500, ["reason"] = "x" }, "c-1"));

        Assert.Equal(RouteLevel.Escalate, trace.Decision.Route);
        Assert.Equal("refund.very-large", trace.Decision.DecidedBy);
        Assert.Contains(trace.Rules, r => r.RuleId == "refund.large" && r.Fired);
    }

    internal static ToolCallRefusal Refusal(ScriptedModel model, string callId)
    {
        var result = ResultOf(model, callId);
        Assert.True(ToolCallRefusal.TryRead(result.Result, out var refusal), $"The result of {callId} is not a refusal: {result.Result}");
        return refusal;
    }

    internal static FunctionResultContent ResultOf(ScriptedModel model, string callId) =>
        model.Seen[^1].SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single(r => r.CallId == callId);

    internal static Task WaitUntil(Func<bool> condition) => WaitUntil(() => Task.FromResult(condition()));

    internal static async Task WaitUntil(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 2000 && !await condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(await condition(), "The condition did not hold in time.");
    }
}
