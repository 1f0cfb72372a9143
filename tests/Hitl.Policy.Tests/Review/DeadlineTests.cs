using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class DeadlineTests
{
    [Fact]
    public async Task Nothing_falls_back_before_the_deadline()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(59));

        Assert.Equal(0, await f.Gate.SweepAsync());
        Assert.Equal(CaseState.Pending, (await f.Gate.GetCaseAsync(id))!.State);
    }

    [Fact]
    public async Task A_review_past_its_deadline_escalates_once_then_blocks_and_never_approves()
    {
        using var f = new GateFixture();
        var handler = new InMemoryEscalationHandler();
        f.Handlers.Add(new(handler));
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, await f.Gate.SweepAsync());

        var view = await f.Gate.GetCaseAsync(id);
        Assert.Equal(CaseState.Pending, view!.State);
        Assert.Equal(RouteLevel.Escalate, view.Route);
        Assert.Equal("senior", view.RequiredTier);
        var timedOut = f.Audit.EntriesFor(id)[^1];
        Assert.Equal(ActKind.TimedOut, timedOut.Act);
        Assert.Equal(RouteLevel.Escalate, timedOut.Route);
        Assert.Equal("system", timedOut.Actor);
        Assert.Equal(EscalationCause.Timeout, Assert.Single(handler.Received).Cause);
        var ticket = f.Sink.TicketsFor(id)[^1];
        Assert.Equal(TicketReason.Escalated, ticket.Reason);
        Assert.Equal(RouteLevel.Block, ticket.TimeoutFallback);
        Assert.Contains(f.Notifications!.Notices, n => n.Kind == NoticeKind.ReviewTimedOut);

        f.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await f.Gate.SweepAsync());

        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.False(outcome.Execute);
        Assert.Equal(CaseState.Blocked, outcome.State);
        Assert.Equal("system", outcome.DecidedBy);
        Assert.Equal(RouteLevel.Block, f.Audit.EntriesFor(id)[^1].Route);
        Assert.DoesNotContain(f.Audit.EntriesFor(id), e => e.Act == ActKind.Approved);
        Assert.Equal(ReviewErrorCode.CaseClosed, (await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "sam", "late")))).Code);
    }

    [Fact]
    public async Task An_escalated_review_past_its_deadline_blocks_as_the_policy_says()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(60000));
        Assert.Equal(RouteLevel.Block, result.Decision.TimeoutFallback);
        f.Time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, await f.Gate.SweepAsync());

        var outcome = await f.Gate.WaitForOutcomeAsync(result.CaseId);
        Assert.False(outcome.Execute);
        Assert.Equal(CaseState.Blocked, outcome.State);
    }

    [Fact]
    public async Task Fallback_escalate_at_the_highest_tier_blocks()
    {
        using var f = new GateFixture();
        var signals = new Signals { ActionType = "email.send", Category = "legal", Confidence = 0.95, Reversibility = Reversibility.Reversible, Amount = 0 };
        var result = await f.SubmitAsync(signals);
        Assert.Equal("director", result.Ticket!.RequiredTier);
        Assert.Equal(RouteLevel.Escalate, result.Decision.TimeoutFallback);
        f.Time.Advance(TimeSpan.FromHours(1));

        await f.Gate.SweepAsync();

        Assert.Equal(CaseState.Blocked, (await f.Gate.WaitForOutcomeAsync(result.CaseId)).State);
    }

    [Fact]
    public async Task The_gate_timer_sweeps_on_the_injected_clock()
    {
        using var f = new GateFixture(new ReviewGateOptions { SweepInterval = TimeSpan.FromMinutes(1) });
        var id = await f.OpenAsync();
        var outcome = f.Gate.WaitForOutcomeAsync(id).AsTask();

        for (var minute = 0; minute < 60 * 3; minute++)
        {
            f.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var done = await outcome.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CaseState.Blocked, done.State);
        Assert.Equal(2, f.Audit.EntriesFor(id).Count(e => e.Act == ActKind.TimedOut));
    }

    [Fact]
    public async Task A_fallback_that_cannot_be_recorded_leaves_the_case_pending_for_the_next_sweep()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromHours(3));
        f.Audit.FailWhen = e => e.Act == ActKind.TimedOut;

        Assert.Equal(0, await f.Gate.SweepAsync());
        var view = await f.Gate.GetCaseAsync(id);
        Assert.Equal(CaseState.Pending, view!.State);
        Assert.Equal("agent", view.RequiredTier);

        f.Audit.FailWhen = null;
        Assert.Equal(1, await f.Gate.SweepAsync());
        Assert.Equal("senior", (await f.Gate.GetCaseAsync(id))!.RequiredTier);
    }

    [Fact]
    public async Task A_contest_review_has_its_own_deadline()
    {
        using var f = new GateFixture(new ReviewGateOptions { ContestReviewDeadline = TimeSpan.FromHours(24) });
        var auto = await f.SubmitAsync(GateFixture.Refund(100));
        await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "carl", "disagree"));

        f.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await f.Gate.SweepAsync());
        f.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await f.Gate.SweepAsync());
        var view = await f.Gate.GetCaseAsync(auto.CaseId);
        Assert.Equal(RouteLevel.Escalate, view!.Route);
        Assert.Equal("senior", view.RequiredTier);
    }

    [Fact]
    public async Task Closed_cases_are_dropped_after_the_retention()
    {
        using var f = new GateFixture(new ReviewGateOptions { ClosedCaseRetention = TimeSpan.FromDays(1) });
        var auto = await f.SubmitAsync(GateFixture.Refund(100));
        var open = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromDays(2));

        await f.Gate.SweepAsync();

        Assert.Null(await f.Gate.GetCaseAsync(auto.CaseId));
        Assert.NotNull(await f.Gate.GetCaseAsync(open));
    }
}
