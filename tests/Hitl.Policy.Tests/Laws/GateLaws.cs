using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 5 and 10 at the gate: a late act never executes; the kill switch never lets a case run in its scope.</summary>
public class GateLaws
{
    private static readonly string[] Acts = ["approve", "edit", "reject", "escalate"];

    private static readonly string[] Reviewers = ["ann", "sam", "dora"];

    /// <summary>Amounts that open cases at every tier: review (agent), two senior approvals, escalate to the director.</summary>
    private static readonly double[] Amounts = [1500, 2000, 6000, 9999, 60000];

    public static class Inputs
    {
        public static Arbitrary<(double Amount, int MinutesLate, string Act, string Reviewer)> LateAct() =>
            (from amount in Gen.Elements(Amounts)
             from late in Gen.Choose(0, 60 * 24 * 30)
             from act in Gen.Elements(Acts)
             from reviewer in Gen.Elements(Reviewers)
             select (amount, late, act, reviewer)).ToArbitrary();

        public static Arbitrary<(double Amount, string? Scope, string[] Approvers, bool SubmitWhileEngaged)> Switched() =>
            (from amount in Gen.Elements([10, .. Amounts])
             from scope in Gen.Elements<string?>(null, "refund.issue")
             from approvers in Gen.Elements(Reviewers.Concat(["sue", "aaron"]).ToArray()).ArrayOf().Resize(4)
             from early in Gen.Elements(true, false)
             select (amount, scope, approvers, early)).ToArbitrary();
    }

    [Property(Arbitrary = [typeof(Inputs)], MaxTest = 150)]
    public async Task A_late_act_never_executes((double Amount, int MinutesLate, string Act, string Reviewer) t)
    {
        using var f = new GateFixture();
        var opened = await f.SubmitAsync(GateFixture.Refund(t.Amount), $"refund {t.Amount}");
        var deadline = opened.Ticket!.DeadlineAt!.Value;
        f.Time.Advance(deadline - f.Time.GetUtcNow() + TimeSpan.FromMinutes(t.MinutesLate));
        var act = new HumanAct(opened.CaseId, t.Reviewer, "late", "decided after the deadline");

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => _ = t.Act switch
        {
            "approve" => await f.Gate.ApproveAsync(act),
            "edit" => await f.Gate.EditAndApproveAsync(act, "refund 1"),
            "reject" => await f.Gate.RejectAsync(act),
            _ => await f.Gate.EscalateAsync(act),
        });

        Assert.Equal(ReviewErrorCode.DeadlinePassed, refused.Code);
        var view = (await f.Gate.GetCaseAsync(opened.CaseId))!;
        Assert.False(view.Executed);
        Assert.NotEqual(CaseState.Approved, view.State);
        Assert.DoesNotContain(f.Audit.Records, r => r.Entry.Act is ActKind.Approved or ActKind.Edited or ActKind.Rejected or ActKind.Escalated);
        Assert.Equal(ActKind.TimedOut, f.Audit.EntriesFor(opened.CaseId)[^1].Act);
    }

    [Property(Arbitrary = [typeof(Inputs)], MaxTest = 150)]
    public async Task The_kill_switch_never_lets_a_case_in_its_scope_execute((double Amount, string? Scope, string[] Approvers, bool SubmitWhileEngaged) t)
    {
        using var f = new GateFixture();
        if (t.SubmitWhileEngaged)
        {
            f.KillSwitch.Engage(t.Scope, "otto", "incident");
        }

        var opened = await f.SubmitAsync(GateFixture.Refund(t.Amount), $"refund {t.Amount}");
        if (!t.SubmitWhileEngaged)
        {
            f.KillSwitch.Engage(t.Scope, "otto", "incident");
        }

        var wait = f.Gate.WaitForOutcomeAsync(opened.CaseId).AsTask();
        foreach (var approver in t.Approvers)
        {
            try
            {
                await f.Gate.ApproveAsync(new HumanAct(opened.CaseId, approver, "ok"));
            }
            catch (ReviewException)
            {
                // Refusals (tier too low, a closed case) are part of the stream; none may let the case run.
            }
        }

        var view = (await f.Gate.GetCaseAsync(opened.CaseId))!;
        if (t.SubmitWhileEngaged)
        {
            Assert.NotEqual(GateDisposition.Execute, opened.Disposition);
        }

        Assert.False(view.Executed && view.State != CaseState.AutoExecuted, $"{view.State} ran while the switch was engaged");
        Assert.False(wait.IsCompletedSuccessfully && wait.Result.Execute && opened.Disposition != GateDisposition.Execute);
        var approvedInWindow = view.State == CaseState.Held;

        f.KillSwitch.Release(t.Scope, "otto", "incident over");
        await f.Gate.ReleaseHeldAsync();

        var after = (await f.Gate.GetCaseAsync(opened.CaseId))!;
        Assert.Equal(approvedInWindow, after.State == CaseState.Approved && after.Executed && opened.Disposition != GateDisposition.Execute);
    }
}
