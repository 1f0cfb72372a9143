using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Tests.Feedback;

public sealed class AuditOutcomesTests
{
    private static readonly DateTimeOffset T0 = FixedClock.Start;

    [Fact]
    public void A_reviewed_case_carries_its_decision_and_the_reviewers_act()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.82, Route.Review, T0, DecisionFlags.None, "loan.confidence.medium");
        trail.Act("c1", AuditAct.Approved, "ana", T0.AddMinutes(5));

        var outcome = Assert.Single(AuditOutcomes.Collect(trail.Records).Outcomes);
        Assert.Equal(("c1", "loan.approve", 0.82, Route.Review), (outcome.CaseId, outcome.ActionType, outcome.Confidence!.Value, outcome.Route));
        Assert.Equal(["loan.confidence.medium"], outcome.RulesFired);
        Assert.Equal(OutcomeKind.Agreed, outcome.Kind);
        var act = Assert.Single(outcome.Acts);
        Assert.Equal(("ana", TimeSpan.FromMinutes(5)), (act.Actor, act.Waited));
    }

    [Theory]
    [InlineData(new[] { AuditAct.Approved, AuditAct.Reversed }, OutcomeKind.Reversed)]
    [InlineData(new[] { AuditAct.AuditPassed, AuditAct.Overridden }, OutcomeKind.Overridden)]
    [InlineData(new[] { AuditAct.Approved, AuditAct.Rejected }, OutcomeKind.Rejected)]
    [InlineData(new[] { AuditAct.Edited, AuditAct.Approved }, OutcomeKind.Edited)]
    [InlineData(new[] { AuditAct.TimedOut }, OutcomeKind.TimedOut)]
    [InlineData(new[] { AuditAct.AuditFailed }, OutcomeKind.AuditFailed)]
    [InlineData(new AuditAct[0], OutcomeKind.NoVerdict)]
    public void The_most_severe_evidence_on_a_case_wins(AuditAct[] acts, OutcomeKind expected)
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "refund.issue", 0.95, Route.AutoExecute, T0);
        for (var i = 0; i < acts.Length; i++)
        {
            trail.Act("c1", acts[i], "p" + i, T0.AddMinutes(i + 1));
        }

        Assert.Equal(expected, Assert.Single(AuditOutcomes.Collect(trail.Records).Outcomes).Kind);
    }

    [Fact]
    public void A_sampled_audit_is_kept_apart_from_other_verdicts()
    {
        var trail = new TrailWriter();
        trail.Decided("pass", "email.send", 0.97, Route.AutoExecute, T0, DecisionFlags.SampledForAudit);
        trail.Act("pass", AuditAct.AuditPassed, "auditor", T0.AddDays(1));
        trail.Decided("fail", "email.send", 0.96, Route.AutoExecute, T0, DecisionFlags.SampledForAudit);
        trail.Act("fail", AuditAct.AuditFailed, "auditor", T0.AddDays(1), "wrong-recipient");
        trail.Decided("none", "email.send", 0.99, Route.AutoExecute, T0);

        var outcomes = AuditOutcomes.Collect(trail.Records).Outcomes.ToDictionary(o => o.CaseId);
        Assert.True(outcomes["pass"].AuditPassed);
        Assert.False(outcomes["fail"].AuditPassed);
        Assert.Null(outcomes["none"].AuditPassed);
        Assert.Equal(OutcomeKind.NoVerdict, outcomes["none"].Kind);
    }

    [Fact]
    public void An_escalated_case_records_both_tiers_and_times_the_second_from_the_escalation()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.75, Route.Review, T0);
        trail.Act("c1", AuditAct.Escalated, "ana", T0.AddMinutes(10));
        trail.Act("c1", AuditAct.Approved, "sam", T0.AddMinutes(70));

        var outcome = Assert.Single(AuditOutcomes.Collect(trail.Records).Outcomes);
        Assert.True(outcome.WasEscalated);
        Assert.Equal(OutcomeKind.Agreed, outcome.Kind);
        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(60)], outcome.Acts.Select(a => a.Waited));
    }

    [Fact]
    public void A_corrected_record_is_set_aside_and_cases_without_a_decision_are_counted()
    {
        var trail = new TrailWriter();
        trail.Decided("c1", "loan.approve", 0.8, Route.Review, T0);
        var mistake = trail.Act("c1", AuditAct.Rejected, "ana", T0.AddMinutes(1));
        trail.Append(new AuditEntry { Act = AuditAct.Corrected, CaseId = "c1", At = T0.AddMinutes(2), Actor = "ana", Supersedes = mistake.Sequence });
        trail.Act("c1", AuditAct.Approved, "ana", T0.AddMinutes(3));
        trail.Act("orphan", AuditAct.Approved, "ana", T0.AddMinutes(4));
        trail.Append(new AuditEntry { Act = AuditAct.KillSwitchEngaged, CaseId = "ops", At = T0, Actor = "ops" });

        var set = AuditOutcomes.Collect(trail.Records);
        Assert.Equal(OutcomeKind.Agreed, Assert.Single(set.Outcomes).Kind);
        Assert.Equal((6L, 1, 1), (set.RecordCount, set.CasesWithoutDecision, set.SupersededRecords));
    }

    [Fact]
    public async Task Reading_asynchronously_gives_the_same_outcomes()
    {
        var world = new SyntheticWorld(PolicyJson.Parse(SyntheticWorld.LendingPolicy));
        var trail = world.Generate(seed: 3, "loan.approve", count: 300);
        var sync = AuditOutcomes.Collect(trail.Records);
        var async = await AuditOutcomes.CollectAsync(trail.ReadAsync());
        Assert.Equal(sync.Outcomes.Select(o => (o.CaseId, o.Kind, o.Route)), async.Outcomes.Select(o => (o.CaseId, o.Kind, o.Route)));
        Assert.Equal(300, sync.Outcomes.Count);
    }
}
