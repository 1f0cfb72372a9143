using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class ObservedCasesTests
{
    private static readonly DateTimeOffset T0 = TrailWriter.Start;

    [Fact]
    public void A_reviewed_case_carries_its_decision_and_the_reviewers_act()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.82, RouteLevel.Review, T0, DecisionFlags.None, "loan.confidence.medium");
        trail.Act("c1", ActKind.Approved, "ana", T0.AddMinutes(5));

        var observedCase = Assert.Single(ObservedCases.Collect(trail.Records).Cases);
        Assert.Equal(("c1", "loan.approve", 0.82, RouteLevel.Review), (observedCase.CaseId, observedCase.ActionType, observedCase.Confidence!.Value, observedCase.Route));
        Assert.Equal(["loan.confidence.medium"], observedCase.RulesFired);
        Assert.Equal(Verdict.Agreed, observedCase.Verdict);
        var act = Assert.Single(observedCase.Acts);
        Assert.Equal(("ana", TimeSpan.FromMinutes(5)), (act.Actor, act.Waited));
    }

    [Theory]
    [InlineData(new[] { ActKind.Approved, ActKind.Reversed }, Verdict.Reversed)]
    [InlineData(new[] { ActKind.AuditPassed, ActKind.Overridden }, Verdict.Overridden)]
    [InlineData(new[] { ActKind.Approved, ActKind.Rejected }, Verdict.Rejected)]
    [InlineData(new[] { ActKind.Edited, ActKind.Approved }, Verdict.Edited)]
    [InlineData(new[] { ActKind.TimedOut }, Verdict.TimedOut)]
    [InlineData(new[] { ActKind.AuditFailed }, Verdict.AuditFailed)]
    [InlineData(new ActKind[0], Verdict.NoVerdict)]
    public void The_most_severe_evidence_on_a_case_wins(ActKind[] acts, Verdict expected)
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "refund.issue", 0.95, RouteLevel.AutoExecute, T0);
        for (var i = 0; i < acts.Length; i++)
        {
            trail.Act("c1", acts[i], "p" + i, T0.AddMinutes(i + 1));
        }

        Assert.Equal(expected, Assert.Single(ObservedCases.Collect(trail.Records).Cases).Verdict);
    }

    [Fact]
    public void A_sampled_audit_is_kept_apart_from_other_verdicts()
    {
        var trail = new TrailWriter();
        trail.Decided("pass", "email.send", 0.97, RouteLevel.AutoExecute, T0, DecisionFlags.SampledForAudit);
        trail.Act("pass", ActKind.AuditPassed, "auditor", T0.AddDays(1));
        trail.Decided("fail", "email.send", 0.96, RouteLevel.AutoExecute, T0, DecisionFlags.SampledForAudit);
        trail.Act("fail", ActKind.AuditFailed, "auditor", T0.AddDays(1), "wrong-recipient");
        trail.Decided("none", "email.send", 0.99, RouteLevel.AutoExecute, T0);

        var observedCases = ObservedCases.Collect(trail.Records).Cases.ToDictionary(o => o.CaseId);
        Assert.True(observedCases["pass"].AuditPassed);
        Assert.False(observedCases["fail"].AuditPassed);
        Assert.Null(observedCases["none"].AuditPassed);
        Assert.Equal(Verdict.NoVerdict, observedCases["none"].Verdict);
    }

    [Fact]
    public void An_escalated_case_records_both_tiers_and_times_the_second_from_the_escalation()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.75, RouteLevel.Review, T0);
        trail.Act("c1", ActKind.Escalated, "ana", T0.AddMinutes(10));
        trail.Act("c1", ActKind.Approved, "sam", T0.AddMinutes(70));

        var observedCase = Assert.Single(ObservedCases.Collect(trail.Records).Cases);
        Assert.True(observedCase.WasEscalated);
        Assert.Equal(Verdict.Agreed, observedCase.Verdict);
        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(60)], observedCase.Acts.Select(a => a.Waited));
    }

    [Fact]
    public void A_corrected_record_is_set_aside_and_cases_without_a_decision_are_counted()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.8, RouteLevel.Review, T0);
        var mistake = trail.Act("c1", ActKind.Rejected, "ana", T0.AddMinutes(1));
        trail.Append(new AuditEntry { Act = ActKind.Corrected, CaseId = "c1", At = T0.AddMinutes(2), Actor = "ana", Supersedes = mistake.Sequence });
        trail.Act("c1", ActKind.Approved, "ana", T0.AddMinutes(3));
        trail.Act("orphan", ActKind.Approved, "ana", T0.AddMinutes(4));
        trail.Append(new AuditEntry { Act = ActKind.KillSwitchEngaged, CaseId = "ops", At = T0, Actor = "ops" });

        var set = ObservedCases.Collect(trail.Records);
        Assert.Equal(Verdict.Agreed, Assert.Single(set.Cases).Verdict);
        Assert.Equal((6L, 1, 1), (set.RecordCount, set.CasesWithoutDecision, set.SupersededRecords));
    }

    [Fact]
    public async Task Reading_asynchronously_gives_the_same_outcomes()
    {
        var world = new SyntheticWorld(PolicyJson.Parse(SyntheticWorld.LendingPolicy));
        var trail = world.Generate(seed: 3, "loan.approve", count: 300);
        var sync = ObservedCases.Collect(trail.Records);
        var async = await ObservedCases.CollectAsync(trail.ReadAsync());
        Assert.Equal(sync.Cases.Select(o => (o.CaseId, o.Verdict, o.Route)), async.Cases.Select(o => (o.CaseId, o.Verdict, o.Route)));
        Assert.Equal(300, sync.Cases.Count);
    }
}
