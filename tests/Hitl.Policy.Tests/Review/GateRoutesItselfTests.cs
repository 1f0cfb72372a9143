using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>The gate routes the context itself and obeys the kill switch at submit and again when an approval would run.</summary>
public sealed class GateRoutesItselfTests
{
    [Fact]
    public async Task A_decision_for_other_signals_is_refused_and_nothing_is_recorded()
    {
        using var f = new GateFixture();
        var small = GateFixture.Refund(10);
        var large = GateFixture.Refund(60000);

        var refused = await Assert.ThrowsAsync<ReviewException>(async () =>
            await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = large, Decision = f.Policy.Route(small), Payload = "refund 60000", CaseId = "c-1" }));

        Assert.Equal(ReviewErrorCode.DecisionMismatch, refused.Code);
        Assert.Contains("is not what policy 'refunds' version '1' gives for the context now", refused.Message, StringComparison.Ordinal);
        Assert.Empty(f.Audit.Records);
        Assert.Null(await f.Gate.GetCaseAsync("c-1"));
    }

    [Fact]
    public async Task Without_a_decision_the_gate_routes_the_context_itself()
    {
        using var f = new GateFixture();

        var result = await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(60000), Payload = "refund 60000" });

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Equal(RouteLevel.Escalate, result.Route);
        Assert.Equal(f.Policy.Route(GateFixture.Refund(60000)), result.Decision);
        Assert.Equal("director", result.Ticket!.RequiredTier);
    }

    [Fact]
    public async Task A_decision_routed_before_the_kill_switch_was_engaged_does_not_auto_execute()
    {
        using var f = new GateFixture();
        var signals = GateFixture.Refund(10);
        var before = f.Policy.Route(signals);
        Assert.True(before.MayAutoExecute);
        f.KillSwitch.Engage("refund.issue", "otto", "refunds misfire");

        var refused = await Assert.ThrowsAsync<ReviewException>(async () =>
            await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = before, Payload = "refund 10" }));
        var routed = await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Payload = "refund 10" });

        Assert.Equal(ReviewErrorCode.DecisionMismatch, refused.Code);
        Assert.Equal(GateDisposition.Pending, routed.Disposition);
        Assert.True((routed.Decision.Flags & DecisionFlags.KillSwitchActive) != 0);
        Assert.Equal([ActKind.Decided], f.Audit.ActsFor(routed.CaseId));
    }

    [Fact]
    public async Task A_policy_that_ignores_the_kill_switch_still_cannot_auto_execute_through_the_gate()
    {
        using var f = new GateFixture();
        using var gate = new ReviewGateBuilder<Signals>(new KillSwitchBlindPolicy(f.Policy))
            .AddAuditStore(f.Audit).AddReviewSink(f.Sink).AddReviewerDirectory(f.Directory).UseTimeProvider(f.Time)
            .Build();
        gate.KillSwitch.Engage(null, "otto", "stop everything");

        var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10), Payload = "refund 10" });

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Equal(RouteLevel.Review, result.Route);
        Assert.Equal(TicketReason.KillSwitch, result.Ticket!.Reason);
        var decided = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Equal(RouteLevel.Review, decided.Route);
        Assert.Equal("kill switch engaged", decided.Data!["why"]);
    }

    [Fact]
    public async Task An_approval_while_the_kill_switch_is_engaged_is_held_then_runs_on_release()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        var waiting = f.Gate.WaitForOutcomeAsync(id).AsTask();
        f.KillSwitch.Engage("refund.issue", "otto", "refunds misfire");

        var view = await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        Assert.Equal(CaseState.Held, view.State);
        Assert.False(view.Executed);
        Assert.Null(view.DeadlineAt);
        Assert.False(waiting.IsCompleted);
        Assert.Equal([ActKind.Decided, ActKind.Approved, ActKind.Held], f.Audit.ActsFor(id));
        f.Time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await f.Gate.SweepAsync());
        Assert.Equal(CaseState.Held, (await f.Gate.GetCaseAsync(id))!.State);

        f.KillSwitch.Release("refund.issue", "otto", "fixed");
        var outcome = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Execute);
        Assert.Equal(CaseState.Approved, outcome.State);
        Assert.Equal("ann", outcome.DecidedBy);
        Assert.Equal([ActKind.Decided, ActKind.Approved, ActKind.Held, ActKind.HoldReleased], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task Without_a_waiter_a_held_case_runs_at_the_next_submit_after_release_in_trail_order()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.KillSwitch.Engage(null, "otto", "incident");
        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));
        f.KillSwitch.Release(null, "otto", "incident over");
        Assert.Equal(CaseState.Held, (await f.Gate.GetCaseAsync(id))!.State);

        var next = await f.SubmitAsync(GateFixture.Refund(10));

        Assert.Equal(CaseState.Approved, (await f.Gate.GetCaseAsync(id))!.State);
        var released = f.Audit.Records.Single(r => r.Entry.Act == ActKind.HoldReleased);
        var decided = f.Audit.Records.Single(r => r.Entry.CaseId == next.CaseId);
        Assert.True(released.Sequence < decided.Sequence);
    }

    [Fact]
    public async Task A_held_case_may_be_rejected_and_then_never_runs()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.KillSwitch.Engage(null, "otto", "incident");
        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        var contest = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ContestAsync(new HumanAct(id, "carl", "unfair")));
        var rejected = await f.Gate.RejectAsync(new HumanAct(id, "sam", "incident", "Not while the incident is open."));
        f.KillSwitch.Release(null, "otto", "incident over");
        Assert.Equal(0, await f.Gate.ReleaseHeldAsync());

        Assert.Equal(ReviewErrorCode.InvalidState, contest.Code);
        Assert.Equal(CaseState.Rejected, rejected.State);
        Assert.False((await f.Gate.WaitForOutcomeAsync(id)).Execute);
        Assert.DoesNotContain(ActKind.HoldReleased, f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task A_kill_switch_for_one_action_type_does_not_hold_another()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.KillSwitch.Engage("email.send", "otto", "mail misfire");

        var view = await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        Assert.Equal(CaseState.Approved, view.State);
        Assert.True(view.Executed);
    }

    [Fact]
    public async Task A_held_release_that_cannot_be_recorded_stays_held()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.KillSwitch.Engage(null, "otto", "incident");
        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));
        f.Audit.FailWhen = e => e.Act == ActKind.HoldReleased;
        f.KillSwitch.Release(null, "otto", "incident over");

        Assert.Equal(0, await f.Gate.ReleaseHeldAsync());
        Assert.Equal(CaseState.Held, (await f.Gate.GetCaseAsync(id))!.State);

        f.Audit.FailWhen = null;
        Assert.Equal(1, await f.Gate.ReleaseHeldAsync());
        Assert.True((await f.Gate.WaitForOutcomeAsync(id)).Execute);
    }

    /// <summary>A host policy that knows nothing of kill switches: it routes with an unswitched copy.</summary>
    private sealed class KillSwitchBlindPolicy(IEscalationPolicy<Signals> inner) : IEscalationPolicy<Signals>
    {
        public string PolicyId => inner.PolicyId;

        public string PolicyVersion => inner.PolicyVersion;

        public Decision Route(in Signals context) => inner.Route(in context);

        public DecisionTrace Explain(in Signals context) => inner.Explain(in context);
    }
}
