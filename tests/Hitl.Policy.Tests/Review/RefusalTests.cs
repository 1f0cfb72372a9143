using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class RefusalTests
{
    private static async Task<ReviewException> Refused(Func<Task> act) => await Assert.ThrowsAsync<ReviewException>(act);

    [Fact]
    public async Task A_reviewer_below_the_required_tier_is_refused_and_nothing_is_recorded()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync(amount: 6000);
        var before = f.Audit.Records.Count;

        var error = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.TierTooLow, error.Code);
        Assert.Contains("'agent'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'senior'", error.Message, StringComparison.Ordinal);
        Assert.Equal(id, error.CaseId);
        Assert.Equal("ann", error.Actor);
        Assert.Equal(before, f.Audit.Records.Count);
        Assert.Equal(ReviewErrorCode.TierTooLow, (await Refused(async () => await f.Gate.RejectAsync(new HumanAct(id, "ann", "no", "no")))).Code);
        Assert.Equal(ReviewErrorCode.TierTooLow, (await Refused(async () => await f.Gate.EscalateAsync(new HumanAct(id, "ann", "no")))).Code);
    }

    [Fact]
    public async Task A_tier_the_policy_does_not_know_is_refused()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        var error = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "vic", "ok")));
        Assert.Equal(ReviewErrorCode.TierTooLow, error.Code);
        Assert.Contains("viceroy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requester_cannot_approve()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(2000), requester: "ann");
        var error = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(result.CaseId, "ann", "ok")));
        Assert.Equal(ReviewErrorCode.RequesterCannotApprove, error.Code);
        var edit = await Refused(async () => await f.Gate.EditAndApproveAsync(new HumanAct(result.CaseId, "ann", "ok"), "other"));
        Assert.Equal(ReviewErrorCode.RequesterCannotApprove, edit.Code);
    }

    [Fact]
    public async Task The_subject_cannot_approve()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(2000), subject: "sam");
        var error = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(result.CaseId, "sam", "ok")));
        Assert.Equal(ReviewErrorCode.SubjectCannotApprove, error.Code);
    }

    [Fact]
    public async Task Acts_on_a_closed_case_are_refused()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        Assert.Equal(ReviewErrorCode.CaseClosed, (await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "aaron", "ok")))).Code);
        Assert.Equal(ReviewErrorCode.CaseClosed, (await Refused(async () => await f.Gate.RejectAsync(new HumanAct(id, "aaron", "no", "no")))).Code);
        Assert.Equal(ReviewErrorCode.CaseClosed, (await Refused(async () => await f.Gate.EscalateAsync(new HumanAct(id, "aaron", "no")))).Code);
        Assert.Equal(ReviewErrorCode.CaseClosed, (await Refused(async () => await f.Gate.EditAndApproveAsync(new HumanAct(id, "aaron", "no"), "x"))).Code);
    }

    [Fact]
    public async Task Unknown_reviewers_and_reviewers_without_the_role_are_refused()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        Assert.Equal(ReviewErrorCode.UnknownReviewer, (await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "mallory", "ok")))).Code);
        var role = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "otto", "ok")));
        Assert.Equal(ReviewErrorCode.MissingRole, role.Code);
        Assert.Contains("'reviewer'", role.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reason_code_is_required_and_a_rejection_needs_words()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        Assert.Equal(ReviewErrorCode.MissingReason, (await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", " ")))).Code);
        Assert.Equal(ReviewErrorCode.MissingReason, (await Refused(async () => await f.Gate.RejectAsync(new HumanAct(id, "ann", "wrong-amount")))).Code);
        Assert.Equal(ReviewErrorCode.MissingPayload, (await Refused(async () => await f.Gate.EditAndApproveAsync(new HumanAct(id, "ann", "x"), null!))).Code);
    }

    [Fact]
    public async Task Escalating_past_the_highest_tier_is_refused()
    {
        using var f = new GateFixture();
        var result = await f.SubmitAsync(GateFixture.Refund(60000));
        var error = await Refused(async () => await f.Gate.EscalateAsync(new HumanAct(result.CaseId, "dora", "unsure")));
        Assert.Equal(ReviewErrorCode.NoHigherTier, error.Code);
    }

    [Fact]
    public async Task Override_reverse_and_contest_refuse_cases_in_the_wrong_state()
    {
        using var f = new GateFixture();
        var pending = await f.OpenAsync();
        Assert.Equal(ReviewErrorCode.InvalidState, (await Refused(async () => await f.Gate.OverrideAsync(new HumanAct(pending, "ann", "x")))).Code);
        Assert.Equal(ReviewErrorCode.InvalidState, (await Refused(async () => await f.Gate.ReverseAsync(new HumanAct(pending, "ann", "x")))).Code);
        Assert.Equal(ReviewErrorCode.InvalidState, (await Refused(async () => await f.Gate.ContestAsync(new HumanAct(pending, "carl", "x")))).Code);

        var blocked = await f.SubmitAsync(GateFixture.Refund(100, category: "fraud"));
        Assert.Equal(ReviewErrorCode.InvalidState, (await Refused(async () => await f.Gate.ReverseAsync(new HumanAct(blocked.CaseId, "ann", "x")))).Code);

        await f.Gate.ApproveAsync(new HumanAct(pending, "ann", "ok"));
        Assert.Equal(ReviewErrorCode.InvalidState, (await Refused(async () => await f.Gate.OverrideAsync(new HumanAct(pending, "ann", "x")))).Code);
    }

    [Fact]
    public async Task Only_the_subject_may_contest()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100), subject: "carl");
        var error = await Refused(async () => await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "eve", "x")));
        Assert.Equal(ReviewErrorCode.NotTheSubject, error.Code);
        Assert.Equal(CaseState.AutoExecuted, (await f.Gate.GetCaseAsync(auto.CaseId))!.State);
    }

    [Fact]
    public async Task Reverse_without_a_compensation_hook_is_refused()
    {
        using var f = new GateFixture(withCompensation: false);
        var auto = await f.SubmitAsync(GateFixture.Refund(100));
        Assert.Equal(ReviewErrorCode.NoCompensationHook, (await Refused(async () => await f.Gate.ReverseAsync(new HumanAct(auto.CaseId, "ann", "x")))).Code);
    }

    [Fact]
    public async Task A_failing_compensation_leaves_the_case_as_it_was_with_a_correction_on_record()
    {
        using var f = new GateFixture(withCompensation: false);
        var gate = f.Builder().AddCompensationHook(new FailingHook()).Build();
        var signals = GateFixture.Refund(100);
        var auto = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Decision = f.Policy.Route(signals), Payload = "p" });

        var error = await Refused(async () => await gate.ReverseAsync(new HumanAct(auto.CaseId, "ann", "duplicate")));

        Assert.Equal(ReviewErrorCode.CompensationFailed, error.Code);
        Assert.Equal(CaseState.AutoExecuted, (await gate.GetCaseAsync(auto.CaseId))!.State);
        var records = f.Audit.Records;
        Assert.Equal(ActKind.Reversed, records[^2].Entry.Act);
        Assert.Equal(ActKind.Corrected, records[^1].Entry.Act);
        Assert.Equal(records[^2].Sequence, records[^1].Entry.Supersedes);
    }

    [Fact]
    public async Task When_the_audit_append_fails_the_act_does_not_take_effect_and_the_caller_gets_the_error()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Audit.FailWhen = e => e.Act == ActKind.Approved;

        var error = await Refused(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, error.Code);
        var view = await f.Gate.GetCaseAsync(id);
        Assert.Equal(CaseState.Pending, view!.State);
        Assert.Empty(view.Approvers);
        Assert.False(f.Gate.WaitForOutcomeAsync(id).AsTask().IsCompleted);

        f.Audit.FailWhen = null;
        Assert.Equal(CaseState.Approved, (await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"))).State);
    }

    [Fact]
    public async Task When_the_audit_append_fails_for_a_reversal_nothing_is_compensated()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100));
        f.Audit.FailWhen = _ => true;

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, (await Refused(async () => await f.Gate.ReverseAsync(new HumanAct(auto.CaseId, "ann", "x")))).Code);
        Assert.Equal(ReviewErrorCode.AuditAppendFailed, (await Refused(async () => await f.Gate.OverrideAsync(new HumanAct(auto.CaseId, "ann", "x")))).Code);
        Assert.Equal(ReviewErrorCode.AuditAppendFailed, (await Refused(async () => await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "carl", "x")))).Code);
        Assert.Empty(f.Compensation!.Requests);
        Assert.Equal(CaseState.AutoExecuted, (await f.Gate.GetCaseAsync(auto.CaseId))!.State);
    }

    private sealed class FailingHook : ICompensationHook
    {
        public ValueTask CompensateAsync(CompensationRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("payment provider down");
    }
}
