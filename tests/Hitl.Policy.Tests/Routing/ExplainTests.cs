using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Routing;

/// <summary>DESIGN semantics 7: every decision can name its rules; Explain gives the full trace.</summary>
public class ExplainTests
{
    private static readonly CompiledPolicy<Signals> Policy = OperationsPolicy.Compile();

    private static Signals Loan()
    {
        var loan = new OperationsCase("loan.approve", "req-7", 0.97, 0.9, 30_000, 0, 0.3, 0.1, 0, 40_000, 0, 0, "retail", "retail", "read_logs",
            Reversibility.Reversible, false, false, false, false, false);
        return loan.ToSignals();
    }

    [Fact]
    public void The_trace_lists_every_rule_with_its_inputs_and_result()
    {
        var trace = Policy.Explain(Loan());

        Assert.Equal(Policy.RuleIdsFor("loan.approve"), trace.Rules.Select(r => r.RuleId));
        var lowIncome = trace.Rules.Single(r => r.RuleId == "loan.low-income-large-loan");
        Assert.True(lowIncome.Fired);
        Assert.Equal(RuleKind.BusinessRule, lowIncome.Kind);
        Assert.Equal("all(amount >= 25000, applicant.income < 50000)", lowIncome.Condition);
        Assert.Equal([new TraceInput("amount", "30000"), new TraceInput("applicant.income", "40000")], lowIncome.Inputs);
        Assert.Equal((RouteLevel.Review, "senior"), (lowIncome.ProposedRoute, lowIncome.ProposedTier));
        Assert.Contains(new TraceInput("risk", "0.15 (computed from factors)"), trace.Signals);
        Assert.False(trace.Rules.Single(r => r.RuleId == "loan.risk.elevated").Fired);
    }

    [Fact]
    public void The_trace_says_why_and_agrees_with_route()
    {
        var signals = Loan();
        var trace = Policy.Explain(signals);
        var decision = Policy.Route(signals);

        Assert.Equal(decision, trace.Decision);
        Assert.Equal("loan.impact.medium", decision.DecidedBy);
        Assert.Contains("rule 'loan.impact.medium' is the first of the 3 rule(s) that fired to ask for review", trace.Why, StringComparison.Ordinal);
        Assert.Equal(["loan.confidence.high", "loan.impact.medium", "loan.low-income-large-loan"], decision.FiredRules.ToArray());
        var text = trace.ToString();
        Assert.Contains("[FIRE] loan.impact.medium (ImpactTier): amount >= 10000 -> review, tier senior", text, StringComparison.Ordinal);
        Assert.Contains("reviewers: tier senior, 1 distinct approval(s), deadline PT4H, then escalate", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_trace_explains_engine_steps()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsPolicy.Compile(killSwitch);
        killSwitch.Engage(null, "cto", "model rollback");
        var signals = Loan();
        signals.Amount = 50;
        signals.Numbers["applicant.income"] = 90_000;
        signals.Evidence = double.NaN;

        var trace = policy.Explain(signals);

        Assert.Contains(trace.Steps, s => s.Contains("signal 'evidence' is invalid", StringComparison.Ordinal));
        Assert.Contains(trace.Steps, s => s.Contains("kill switch is on", StringComparison.Ordinal));
        Assert.True(trace.Decision.RequiresHuman);
    }

    [Fact]
    public void A_decision_names_its_policy_and_action()
    {
        var decision = Policy.Route(Loan());
        Assert.Equal(("operations", "2026.11.1", "loan.approve"), (decision.PolicyId, decision.PolicyVersion, decision.ActionType));
        Assert.Equal(TimeSpan.FromHours(4), decision.ReviewDeadline);
        Assert.Equal(RouteLevel.Escalate, decision.TimeoutFallback);
        Assert.Equal("review (tier senior, 1 approval, deadline PT4H, then escalate) by loan.impact.medium", decision.ToString());
    }

    [Fact]
    public void An_uninitialised_decision_reads_as_block()
    {
        var decision = default(Decision);
        Assert.Equal(RouteLevel.Block, decision.Route);
        Assert.False(decision.MayAutoExecute);
        Assert.Empty(decision.FiredRules.ToArray());
    }

    [Fact]
    public void More_than_128_fired_rules_are_flagged_as_truncated()
    {
        var builder = new Definition.PolicyBuilder("many", "1");
        builder.Action("bulk", a =>
        {
            for (var i = 0; i < 200; i++)
            {
                a.Rule("r" + i, Definition.Conditions.Field("amount").AtLeast(i), RouteLevel.Review);
            }
        });
        var policy = builder.Compile(Signals.Schema([]));
        var decision = policy.Route(new Signals { ActionType = "bulk", Amount = 1000, Reversibility = Reversibility.Reversible });
        Assert.Equal(FiredRuleSet.Capacity, decision.FiredRules.Count);
        Assert.True((decision.Flags & DecisionFlags.FiredRulesTruncated) != 0);
        Assert.Equal("r0", decision.DecidedBy);
        Assert.Equal(200, policy.Explain(new Signals { ActionType = "bulk", Amount = 1000 }).Rules.Count(r => r.Fired));
    }
}
