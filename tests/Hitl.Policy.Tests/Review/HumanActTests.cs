using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class HumanActTests
{
    [Fact]
    public async Task Approve_is_recorded_with_who_role_tier_reason_and_time_then_the_outcome_says_execute()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(payload: "refund 2000");
        f.Time.Advance(TimeSpan.FromMinutes(5));

        var view = await f.Gate.ApproveAsync(new HumanAct(id, "ann", "looks-right", "matches the invoice"));

        Assert.Equal(CaseState.Approved, view.State);
        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.True(outcome.Execute);
        Assert.Equal("refund 2000", outcome.Payload);
        Assert.False(outcome.Edited);
        Assert.Equal("ann", outcome.DecidedBy);
        var approved = f.Audit.EntriesFor(id)[^1];
        Assert.Equal(ActKind.Approved, approved.Act);
        Assert.Equal("ann", approved.Actor);
        Assert.Equal("reviewer", approved.ActorRole);
        Assert.Equal("agent", approved.ActorTier);
        Assert.Equal("looks-right", approved.ReasonCode);
        Assert.Equal("matches the invoice", approved.Reason);
        Assert.Equal(f.Time.GetUtcNow(), approved.At);
    }

    [Fact]
    public async Task A_higher_tier_may_approve_a_lower_tier_case()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        Assert.Equal(CaseState.Approved, (await f.Gate.ApproveAsync(new HumanAct(id, "dora", "ok"))).State);
    }

    [Fact]
    public async Task Reject_needs_a_reason_closes_the_case_and_keeps_the_reason_for_the_model_owner()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();

        var view = await f.Gate.RejectAsync(new HumanAct(id, "ann", "wrong-amount", "the invoice says 200, not 2000"));

        Assert.Equal(CaseState.Rejected, view.State);
        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.False(outcome.Execute);
        Assert.Null(outcome.Payload);
        Assert.Equal("the invoice says 200, not 2000", outcome.Reason);
        var rejected = f.Audit.EntriesFor(id)[^1];
        Assert.Equal(ActKind.Rejected, rejected.Act);
        Assert.Equal("the invoice says 200, not 2000", rejected.Reason);
    }

    [Fact]
    public async Task Edit_then_approve_records_both_digests_and_executes_the_edited_payload()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(payload: "refund 2000");

        await f.Gate.EditAndApproveAsync(new HumanAct(id, "ann", "wrong-amount"), "refund 200");

        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.True(outcome.Execute);
        Assert.True(outcome.Edited);
        Assert.Equal("refund 200", outcome.Payload);
        var edited = f.Audit.EntriesFor(id)[^1];
        Assert.Equal(ActKind.Edited, edited.Act);
        Assert.Equal(f.Audit.EntriesFor(id)[0].InputDigest, edited.InputDigest);
        Assert.NotNull(edited.EditedDigest);
        Assert.NotEqual(edited.InputDigest, edited.EditedDigest);
    }

    [Fact]
    public async Task M_of_N_needs_distinct_approvers_and_the_same_reviewer_twice_counts_and_records_once()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(amount: 6000);

        Assert.Equal(CaseState.Pending, (await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"))).State);
        var again = await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"));
        Assert.Equal(CaseState.Pending, again.State);
        Assert.Equal(["sam"], again.Approvers);
        Assert.Single(f.Audit.EntriesFor(id), e => e.Act == ActKind.Approved);

        var done = await f.Gate.ApproveAsync(new HumanAct(id, "sue", "ok"));

        Assert.Equal(CaseState.Approved, done.State);
        Assert.Equal(["sam", "sue"], done.Approvers);
        Assert.Equal(2, f.Audit.EntriesFor(id).Count(e => e.Act == ActKind.Approved));
    }

    [Fact]
    public async Task An_edit_voids_approvals_given_to_the_earlier_payload()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(amount: 6000, payload: "refund 6000");

        await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"));
        var afterEdit = await f.Gate.EditAndApproveAsync(new HumanAct(id, "sue", "wrong-amount"), "refund 600");

        Assert.Equal(CaseState.Pending, afterEdit.State);
        Assert.Equal(["sue"], afterEdit.Approvers);
        await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"));
        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.Equal("refund 600", outcome.Payload);
    }

    [Fact]
    public async Task Escalate_moves_the_case_to_the_next_tier_with_a_new_ticket_and_the_handlers()
    {
        using var f = new GateFixture();
        var handler = new InMemoryEscalationHandler();
        f.Handlers.Add(new(handler, Tier: "senior"));
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(50));

        var view = await f.Gate.EscalateAsync(new HumanAct(id, "ann", "unsure", "policy exception?"));

        Assert.Equal(CaseState.Pending, view.State);
        Assert.Equal(RouteLevel.Escalate, view.Route);
        Assert.Equal("senior", view.RequiredTier);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromHours(1), view.DeadlineAt);
        var ticket = f.Sink.TicketsFor(id)[^1];
        Assert.Equal(TicketReason.Escalated, ticket.Reason);
        Assert.Equal("senior", ticket.RequiredTier);
        var escalation = Assert.Single(handler.Received);
        Assert.Equal(EscalationCause.Reviewer, escalation.Cause);
        Assert.Equal("agent", escalation.PreviousTier);
        Assert.Equal("ann", escalation.Actor);
        Assert.Equal(ActKind.Escalated, f.Audit.EntriesFor(id)[^1].Act);
        Assert.Equal("senior", f.Audit.EntriesFor(id)[^1].RequiredTier);

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "aaron", "ok")));
        Assert.Equal(ReviewErrorCode.TierTooLow, refused.Code);
        Assert.Equal(CaseState.Approved, (await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"))).State);
    }

    [Fact]
    public async Task Override_of_an_auto_executed_decision_is_recorded_then_compensated()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100), "refund 100");

        var view = await f.Gate.OverrideAsync(new HumanAct(auto.CaseId, "ann", "customer-abuse", "third claim this month"));

        Assert.Equal(CaseState.Overridden, view.State);
        Assert.False(view.Executed);
        var request = Assert.Single(f.Compensation!.Requests);
        Assert.True(request.IsOverride);
        Assert.Equal("refund 100", request.ExecutedPayload);
        var overridden = f.Audit.EntriesFor(auto.CaseId)[^1];
        Assert.Equal(ActKind.Overridden, overridden.Act);
        Assert.Equal(f.Audit.Records[^1].Sequence, request.AuditSequence);
        Assert.Contains(f.Notifications!.Notices, n => n.Kind == NoticeKind.Overridden);
        var outcome = await f.Gate.GetCaseAsync(auto.CaseId);
        Assert.False(outcome!.Outcome!.Execute);
        Assert.True(outcome.Outcome.AlreadyExecuted);
    }

    [Fact]
    public async Task Override_needs_the_configured_override_tier()
    {
        using var f = new GateFixture(new ReviewGateOptions { OverrideTier = "senior" });
        var auto = await f.SubmitAsync(GateFixture.Refund(100));

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.OverrideAsync(new HumanAct(auto.CaseId, "ann", "x")));

        Assert.Equal(ReviewErrorCode.TierTooLow, refused.Code);
        Assert.Contains("senior", refused.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Overridden, (await f.Gate.OverrideAsync(new HumanAct(auto.CaseId, "sam", "x"))).State);
    }

    [Fact]
    public async Task Reverse_of_an_approved_action_goes_through_the_compensation_hook()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(payload: "refund 2000");
        await f.Gate.EditAndApproveAsync(new HumanAct(id, "ann", "wrong-amount"), "refund 1500");

        var view = await f.Gate.ReverseAsync(new HumanAct(id, "aaron", "duplicate", "already refunded by bank"));

        Assert.Equal(CaseState.Reversed, view.State);
        var request = Assert.Single(f.Compensation!.Requests);
        Assert.False(request.IsOverride);
        Assert.Equal("refund 1500", request.ExecutedPayload);
        Assert.Equal(ActKind.Reversed, f.Audit.EntriesFor(id)[^1].Act);
        var again = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ReverseAsync(new HumanAct(id, "aaron", "duplicate")));
        Assert.Equal(ReviewErrorCode.CaseClosed, again.Code);
    }

    [Fact]
    public async Task Contest_by_the_subject_forces_a_human_review_of_an_auto_executed_decision()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100), subject: "carl");

        var view = await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "carl", "art-22", "I asked for a replacement, not a refund"));

        Assert.Equal(CaseState.Pending, view.State);
        Assert.True(view.Contested);
        Assert.Equal(RouteLevel.Review, view.Route);
        var ticket = f.Sink.TicketsFor(auto.CaseId)[^1];
        Assert.Equal(TicketReason.Contested, ticket.Reason);
        var contested = f.Audit.EntriesFor(auto.CaseId)[^1];
        Assert.Equal(ActKind.Contested, contested.Act);
        Assert.Equal("subject", contested.ActorRole);

        await f.Gate.RejectAsync(new HumanAct(auto.CaseId, "ann", "upheld-contest", "customer wanted a replacement"));
        var outcome = await f.Gate.WaitForOutcomeAsync(auto.CaseId);
        Assert.False(outcome.Execute);
        Assert.True(outcome.AlreadyExecuted);
        Assert.Equal(CaseState.Reversed, (await f.Gate.ReverseAsync(new HumanAct(auto.CaseId, "ann", "upheld-contest"))).State);
    }

    [Fact]
    public async Task A_contested_case_needs_fresh_eyes()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        await f.Gate.RejectAsync(new HumanAct(id, "ann", "wrong-amount", "too much"));
        await f.Gate.ContestAsync(new HumanAct(id, "carl", "disagree"));

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.ReviewerAlreadyDecided, refused.Code);
        await f.Gate.ApproveAsync(new HumanAct(id, "aaron", "ok"));
        var outcome = await f.Gate.WaitForOutcomeAsync(id);
        Assert.True(outcome.Execute);
        Assert.False(outcome.AlreadyExecuted);
    }
}
