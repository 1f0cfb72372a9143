using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Seeds;

/// <summary>
/// The patterns of the articles the product grew from, as examples: confidence-based routing (high, medium, low),
/// tiered approval (junior for low risk, senior for high impact), and the human-in-the-loop decision table.
/// </summary>
public class SeedExampleTests
{
    private static readonly CompiledPolicy<Signals> Policy = Compile();

    private static CompiledPolicy<Signals> Compile()
    {
        var definition = PolicyJson.Load(Repo.File("samples", "policies", "decision-table.json"));
        return PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
    }

    /// <summary>A clean case: confident, evidence-backed, reversible, low-risk, low-impact, nobody vulnerable.</summary>
    private static Signals Clean(string action = "faq.answer") => new()
    {
        ActionType = action,
        RequestId = "seed",
        Confidence = 0.95,
        Evidence = 0.9,
        Risk = 0.1,
        Amount = 20,
        Category = "general",
        Reversibility = Reversibility.Reversible,
        Sensitive = false,
        Vulnerable = false,
    };

    [Theory]
    [InlineData(0.97, RouteLevel.AutoExecute)]
    [InlineData(0.90, RouteLevel.AutoExecute)]
    [InlineData(0.89, RouteLevel.Review)]
    [InlineData(0.60, RouteLevel.Review)]
    [InlineData(0.59, RouteLevel.Escalate)]
    [InlineData(0.00, RouteLevel.Escalate)]
    public void Confidence_based_routing_high_auto_medium_review_low_escalate(double confidence, RouteLevel expected)
    {
        var signals = Clean();
        signals.Confidence = confidence;
        var decision = Policy.Route(signals);
        Assert.Equal(expected, decision.Route);
        Assert.StartsWith("confidence.", decision.DecidedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiered_approval_junior_review_for_low_risk_senior_for_high_impact()
    {
        var lowRisk = Clean();
        lowRisk.Risk = 0.35;
        var junior = Policy.Route(lowRisk);
        Assert.Equal((RouteLevel.Review, "junior", 1), (junior.Route, junior.RequiredTier, junior.RequiredApprovals));

        var highImpact = Clean();
        highImpact.Amount = 250_000;
        var senior = Policy.Route(highImpact);
        Assert.Equal((RouteLevel.Review, "senior"), (senior.Route, senior.RequiredTier));
        Assert.Equal("impact.high", senior.DecidedBy);

        var highRisk = Clean();
        highRisk.Risk = 0.8;
        Assert.Equal("senior", Policy.Route(highRisk).RequiredTier);
    }

    [Fact]
    public void Decision_table_low_risk_repeatable_task_that_is_evidence_backed_and_reversible_runs_alone()
    {
        var decision = Policy.Route(Clean());
        Assert.Equal(RouteLevel.AutoExecute, decision.Route);
        Assert.False(decision.RequiresHuman);
    }

    [Fact]
    public void Decision_table_weak_evidence_needs_a_person()
    {
        var signals = Clean();
        signals.Evidence = 0.3;
        Assert.Equal(("evidence.unsupported", RouteLevel.Review), (Policy.Route(signals).DecidedBy, Policy.Route(signals).Route));
    }

    [Theory]
    [InlineData("money")]
    [InlineData("health")]
    [InlineData("eligibility")]
    [InlineData("access")]
    [InlineData("identity")]
    public void Decision_table_a_recommendation_that_touches_money_health_or_eligibility_is_reviewed(string category)
    {
        var signals = Clean("recommendation.show");
        signals.Category = category;
        var decision = Policy.Route(signals);
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal("impact.touches-person", decision.DecidedBy);

        signals.Category = "music";
        Assert.Equal(RouteLevel.AutoExecute, Policy.Route(signals).Route);
    }

    [Fact]
    public void Decision_table_a_final_denial_is_decided_by_a_person()
    {
        var denial = Clean("application.decide");
        denial.Texts["decision.kind"] = "deny";
        var decision = Policy.Route(denial);
        Assert.Equal((RouteLevel.Review, "senior", "final-denial"), (decision.Route, decision.RequiredTier, decision.DecidedBy));

        var approval = Clean("application.decide");
        approval.Texts["decision.kind"] = "approve";
        Assert.Equal(RouteLevel.AutoExecute, Policy.Route(approval).Route);
    }

    [Fact]
    public void Decision_table_an_irreversible_action_is_decided_by_a_person()
    {
        var signals = Clean();
        signals.Reversibility = Reversibility.Irreversible;
        var decision = Policy.Route(signals);
        Assert.Equal((RouteLevel.Review, "senior"), (decision.Route, decision.RequiredTier));
        Assert.Equal("defaults.reversibility.irreversible", decision.DecidedBy);
    }

    [Fact]
    public void Decision_table_costly_to_reverse_runs_with_notice_so_a_person_can_undo_it()
    {
        var signals = Clean();
        signals.Reversibility = Reversibility.CostlyToReverse;
        Assert.Equal(RouteLevel.AutoExecuteWithNotice, Policy.Route(signals).Route);
    }

    [Fact]
    public void Decision_table_a_vulnerable_user_gets_a_person()
    {
        var signals = Clean();
        signals.Vulnerable = true;
        var decision = Policy.Route(signals);
        Assert.Equal((RouteLevel.Review, "senior", "defaults.vulnerable"), (decision.Route, decision.RequiredTier, decision.DecidedBy));
    }

    [Fact]
    public void Decision_table_high_stakes_work_is_decision_support_only()
    {
        var decision = Policy.Route(Clean("diagnosis.suggest"));
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal(BuiltInRules.DefaultRoute, decision.DecidedBy);
    }

    [Fact]
    public void Irreversible_actions_never_run_with_notice_only()
    {
        var definition = PolicyJson.Parse("""
            { "id": "notice", "version": "1",
              "defaults": { "route": "auto-execute-with-notice" },
              "actions": { "record.delete": {} } }
            """);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var signals = new Signals { ActionType = "record.delete", Reversibility = Reversibility.Reversible };
        Assert.Equal(RouteLevel.AutoExecuteWithNotice, policy.Route(signals).Route);

        signals.Reversibility = Reversibility.Irreversible;
        var decision = policy.Route(signals);
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal(BuiltInRules.IrreversibleNeedsPerson, decision.DecidedBy);
        Assert.True((decision.Flags & DecisionFlags.IrreversibleRaised) != 0);
    }

    [Fact]
    public void Without_a_reversibility_accessor_actions_count_as_irreversible()
    {
        var definition = PolicyJson.Parse("""
            { "id": "notice", "version": "1", "defaults": { "route": "auto-execute-with-notice" }, "actions": { "record.archive": {} } }
            """);
        var schema = new SignalSchema<Signals>().ActionType(static (in Signals s) => s.ActionType);
        var policy = PolicyCompiler.Compile(definition, schema);

        var decision = policy.Route(new Signals { ActionType = "record.archive", Reversibility = Reversibility.Reversible });

        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal(BuiltInRules.IrreversibleNeedsPerson, decision.DecidedBy);
    }
}
