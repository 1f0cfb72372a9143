using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class AfterTheFactAuditTests
{
    [Fact]
    public async Task An_auto_executed_decision_can_be_audited_after_the_fact_and_the_result_is_recorded()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100));

        var view = await f.Gate.RecordAuditAsync(new HumanAct(auto.CaseId, "ann", "wrong-customer", "refunded the wrong order"), passed: false);

        Assert.Equal(CaseState.AutoExecuted, view.State);
        var entry = f.Audit.EntriesFor(auto.CaseId)[^1];
        Assert.Equal(ActKind.AuditFailed, entry.Act);
        Assert.Equal("ann", entry.Actor);
        await f.Gate.RecordAuditAsync(new HumanAct(auto.CaseId, "aaron", "fine"), passed: true);
        Assert.Equal(ActKind.AuditPassed, f.Audit.EntriesFor(auto.CaseId)[^1].Act);

        var pending = await f.OpenAsync();
        var error = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.RecordAuditAsync(new HumanAct(pending, "ann", "x"), passed: true));
        Assert.Equal(ReviewErrorCode.InvalidState, error.Code);
    }

    [Fact]
    public async Task An_act_waits_for_a_submission_in_flight_and_a_failed_submission_leaves_nothing_to_act_on()
    {
        using var f = new GateFixture();
        f.Audit.FailWhen = e => e.Act == ActKind.Decided;

        await Assert.ThrowsAsync<ReviewException>(async () => await f.SubmitAsync(GateFixture.Refund(2000), caseId: "lost"));

        Assert.Equal(ReviewErrorCode.CaseNotFound, (await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct("lost", "ann", "ok")))).Code);
        Assert.Empty(f.Sink.Tickets);
        f.Audit.FailWhen = null;
        Assert.Equal(GateDisposition.Pending, (await f.SubmitAsync(GateFixture.Refund(2000), caseId: "lost")).Disposition);
    }
}
