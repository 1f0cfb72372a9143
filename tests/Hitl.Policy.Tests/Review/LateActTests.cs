using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>Every act checks the deadline against the clock itself: with no sweep running, a late act never executes.</summary>
public sealed class LateActTests
{
    [Fact]
    public async Task An_approval_two_hours_after_a_one_hour_deadline_is_refused_and_the_case_escalates_without_a_sweep()
    {
        using var f = new GateFixture();
        Assert.Null(new ReviewGateOptions().SweepInterval);
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromHours(2));

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.DeadlinePassed, refused.Code);
        Assert.Contains("passed its review deadline (2026-11-23T10:00:00.0000000+00:00) before 'ann' acted", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the case went to tier 'senior'", refused.Message, StringComparison.Ordinal);
        var view = (await f.Gate.GetCaseAsync(id))!;
        Assert.Equal(CaseState.Pending, view.State);
        Assert.Equal(RouteLevel.Escalate, view.Route);
        Assert.Empty(view.Approvers);
        Assert.Equal([ActKind.Decided, ActKind.TimedOut], f.Audit.ActsFor(id));
        Assert.Equal(TicketReason.Escalated, f.Sink.TicketsFor(id)[^1].Reason);
    }

    [Fact]
    public async Task An_approval_after_the_escalated_deadline_is_refused_and_the_case_blocks()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromHours(2));
        await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok")));
        f.Time.Advance(TimeSpan.FromHours(3));

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok")));

        Assert.Equal(ReviewErrorCode.DeadlinePassed, refused.Code);
        Assert.Contains("the case is blocked", refused.Message, StringComparison.Ordinal);
        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.False(outcome.Execute);
        Assert.Equal(CaseState.Blocked, outcome.State);
        Assert.DoesNotContain(ActKind.Approved, f.Audit.ActsFor(id));
    }

    [Theory]
    [InlineData("reject")]
    [InlineData("escalate")]
    [InlineData("edit")]
    public async Task Every_deciding_act_checks_the_deadline(string act)
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(61));
        var human = new HumanAct(id, "ann", "late", "decided after lunch");

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => _ = act switch
        {
            "reject" => await f.Gate.RejectAsync(human),
            "escalate" => await f.Gate.EscalateAsync(human),
            _ => await f.Gate.EditAndApproveAsync(human, "refund 1 EUR"),
        });

        Assert.Equal(ReviewErrorCode.DeadlinePassed, refused.Code);
        Assert.Equal([ActKind.Decided, ActKind.TimedOut], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task An_act_just_before_the_deadline_still_counts()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(59));

        var view = await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        Assert.Equal(CaseState.Approved, view.State);
    }

    [Fact]
    public async Task A_waiter_applies_the_deadline_itself_when_no_sweep_runs()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(60000));
        Assert.Equal(RouteLevel.Block, result.Decision.TimeoutFallback);
        var waiting = f.Gate.WaitForOutcomeAsync(result.CaseId).AsTask();
        Assert.False(waiting.IsCompleted);

        f.Time.Advance(TimeSpan.FromHours(2));
        var outcome = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(outcome.Execute);
        Assert.Equal(CaseState.Blocked, outcome.State);
        Assert.Equal([ActKind.Decided, ActKind.TimedOut], f.Audit.ActsFor(result.CaseId));
    }

    [Fact]
    public async Task A_waiter_returns_the_decision_made_before_the_deadline()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        var waiting = f.Gate.WaitForOutcomeAsync(id).AsTask();

        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));
        var outcome = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        f.Time.Advance(TimeSpan.FromHours(5));

        Assert.True(outcome.Execute);
        Assert.Equal([ActKind.Decided, ActKind.Approved], f.Audit.ActsFor(id));
    }
}
