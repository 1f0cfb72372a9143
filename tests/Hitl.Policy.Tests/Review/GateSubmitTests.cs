using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class GateSubmitTests
{
    [Fact]
    public async Task Auto_execute_returns_execute_at_once_and_records_the_decision()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(100), "refund 100");

        Assert.Equal(GateDisposition.Execute, result.Disposition);
        Assert.True(result.MayExecute);
        Assert.Empty(f.Sink.Tickets);
        var entry = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Equal(ActKind.Decided, entry.Act);
        Assert.Equal(RouteLevel.AutoExecute, entry.Route);
        Assert.Equal("refunds", entry.PolicyId);
        Assert.Equal(f.Policy.PolicyHash, entry.PolicyHash);
        Assert.Equal(64, entry.InputDigest!.Length);
        Assert.Equal(1, result.AuditSequence);

        var outcome = await f.Gate.WaitForOutcomeAsync(result.CaseId);
        Assert.True(outcome.Execute);
        Assert.Equal("refund 100", outcome.Payload);
        Assert.Equal(CaseState.AutoExecuted, (await f.Gate.GetCaseAsync(result.CaseId))!.State);
    }

    [Fact]
    public async Task Notice_only_notifies_then_executes()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(100, reversibility: Reversibility.CostlyToReverse));

        Assert.Equal(GateDisposition.Execute, result.Disposition);
        Assert.Equal(RouteLevel.AutoExecuteWithNotice, result.Route);
        var notice = Assert.Single(f.Notifications!.Notices);
        Assert.Equal(NoticeKind.AutoExecutedWithNotice, notice.Kind);
        Assert.Equal(result.CaseId, notice.CaseId);
    }

    [Fact]
    public async Task Notice_only_without_a_notification_sink_goes_to_review_instead()
    {
        using var f = new GateFixture(withNotifications: false);
        var result = await f.SubmitAsync(GateFixture.Refund(100, reversibility: Reversibility.CostlyToReverse));

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Equal(RouteLevel.Review, result.Route);
        Assert.Equal(TicketReason.NoticeFailed, Assert.Single(f.Sink.Tickets).Reason);
        var decided = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Equal(RouteLevel.Review, decided.Route);
        Assert.Equal("auto-execute-with-notice", decided.Data!["raisedFrom"]);
    }

    [Fact]
    public async Task Review_opens_a_case_and_hands_a_ticket_to_the_sink()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(2000), "refund 2000");

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.False(result.MayExecute);
        var ticket = Assert.Single(f.Sink.Tickets);
        Assert.Same(ticket, result.Ticket);
        Assert.Equal("agent", ticket.RequiredTier);
        Assert.Equal(1, ticket.RequiredApprovals);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromHours(1), ticket.DeadlineAt);
        Assert.Equal(RouteLevel.Escalate, ticket.TimeoutFallback);
        var view = await f.Gate.GetCaseAsync(result.CaseId);
        Assert.Equal(CaseState.Pending, view!.State);
        Assert.False(f.Gate.WaitForOutcomeAsync(result.CaseId).AsTask().IsCompleted);
        var decided = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Equal(RouteLevel.Review, decided.Route);
        Assert.Contains("refund.medium", decided.RulesFired!);
        Assert.Equal("agent", decided.RequiredTier);
    }

    [Fact]
    public async Task Escalate_opens_a_case_and_runs_the_matching_escalation_handlers_in_order_until_one_stops()
    {
        using var f = new GateFixture();
        var all = new InMemoryEscalationHandler();
        var director = new InMemoryEscalationHandler(EscalationHandling.Stop);
        var never = new InMemoryEscalationHandler();
        var otherTier = new InMemoryEscalationHandler();
        var otherAction = new InMemoryEscalationHandler();
        f.Handlers.AddRange([
            new(all), new(otherTier, Tier: "senior"), new(otherAction, ActionType: "email.send"),
            new(director, Tier: "director", ActionType: "refund.issue"), new(never)]);

        var result = await f.SubmitAsync(GateFixture.Refund(60000));

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Equal(RouteLevel.Escalate, result.Route);
        Assert.Equal("director", result.Ticket!.RequiredTier);
        Assert.Equal(TicketReason.Escalated, result.Ticket.Reason);
        Assert.Single(all.Received);
        Assert.Equal(EscalationCause.Policy, Assert.Single(director.Received).Cause);
        Assert.Empty(never.Received);
        Assert.Empty(otherTier.Received);
        Assert.Empty(otherAction.Received);
    }

    [Fact]
    public async Task A_throwing_escalation_handler_is_skipped_and_the_case_stays_pending()
    {
        using var f = new GateFixture();
        var after = new InMemoryEscalationHandler();
        f.Handlers.AddRange([new(new ThrowingHandler()), new(after)]);

        var result = await f.SubmitAsync(GateFixture.Refund(60000));

        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.Single(after.Received);
    }

    [Fact]
    public async Task Block_records_the_refusal_and_returns_it()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(100, category: "fraud"));

        Assert.Equal(GateDisposition.Blocked, result.Disposition);
        Assert.Equal("refund.fraud", result.Decision.DecidedBy);
        Assert.Empty(f.Sink.Tickets);
        var entry = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Equal(RouteLevel.Block, entry.Route);
        var outcome = await f.Gate.WaitForOutcomeAsync(result.CaseId);
        Assert.False(outcome.Execute);
        Assert.Equal(CaseState.Blocked, outcome.State);
    }

    [Fact]
    public async Task A_failing_audit_store_on_submit_throws_and_nothing_executes()
    {
        using var f = new GateFixture();
        f.Audit.FailWhen = _ => true;

        var error = await Assert.ThrowsAsync<ReviewException>(async () => await f.SubmitAsync(GateFixture.Refund(100), caseId: "c-1"));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, error.Code);
        Assert.IsType<IOException>(error.InnerException);
        Assert.Null(await f.Gate.GetCaseAsync("c-1"));
    }

    [Fact]
    public async Task A_failing_review_sink_leaves_the_case_pending_and_tells_the_caller()
    {
        using var f = new GateFixture();
        var gate = f.Builder().AddReviewSink(new ThrowingSink()).Build();
        var signals = GateFixture.Refund(2000);

        var error = await Assert.ThrowsAsync<ReviewException>(async () => await gate.SubmitAsync(
            new GateRequest<Signals> { Context = signals, Decision = f.Policy.Route(signals), Payload = "p", CaseId = "c-2" }));

        Assert.Equal(ReviewErrorCode.ReviewSinkFailed, error.Code);
        Assert.Equal(CaseState.Pending, (await gate.GetCaseAsync("c-2"))!.State);
    }

    [Fact]
    public async Task A_case_id_cannot_be_used_twice()
    {
        using var f = new GateFixture();
        await f.SubmitAsync(GateFixture.Refund(100), caseId: "same");

        var error = await Assert.ThrowsAsync<ReviewException>(async () => await f.SubmitAsync(GateFixture.Refund(100), caseId: "same"));

        Assert.Equal(ReviewErrorCode.InvalidState, error.Code);
        Assert.Single(f.Audit.EntriesFor("same"));
    }

    [Fact]
    public async Task Unknown_case_is_refused()
    {
        using var f = new GateFixture();
        var error = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct("nope", "ann", "ok")));
        Assert.Equal(ReviewErrorCode.CaseNotFound, error.Code);
        Assert.Contains("nope", error.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingHandler : IEscalationHandler
    {
        public ValueTask<EscalationHandling> HandleAsync(Escalation escalation, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("pager down");
    }

    private sealed class ThrowingSink : IReviewSink
    {
        public ValueTask SubmitAsync(ReviewTicket ticket, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("queue down");
    }
}
