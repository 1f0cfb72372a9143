using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Definition;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 1: every rule proposes a minimum; adding a rule never loosens a decision.</summary>
public class MostRestrictiveWinsLaws
{
    private static readonly string OperationsJson = File.ReadAllText(Repo.OperationsPolicyPath);
    private static readonly CompiledPolicy<Signals> Original = OperationsPolicy.Compile();

    /// <summary>Conditions a policy author could add; every one is valid (monotone) for the compiler.</summary>
    private static readonly Gen<ConditionDefinition> Condition = Gen.OneOf(
        CaseGen.Unit.Select(v => Conditions.Field("confidence").LessThan(v)),
        CaseGen.Unit.Select(v => Conditions.Field("evidence").AtMost(v)),
        CaseGen.Amount.Select(v => Conditions.Field("amount").AtLeast(v)),
        CaseGen.Unit.Select(v => Conditions.Field("applicant.debtRatio").GreaterThan(v)),
        Gen.Choose(0, 6).Select(v => Conditions.Field("customer.chargebacks").EqualTo(v)),
        Gen.Elements("retail", "business", "private").Select(v => Conditions.Field("customer.segment").EqualTo(v)),
        Gen.Elements("legal", "health", "travel").Select(v => Conditions.Field("category").In(v, "credit")),
        Gen.Elements(true, false).Select(v => Conditions.Field("customer.isNew").EqualTo(v)),
        Gen.Constant(Conditions.Field("vulnerable").IsTrue()),
        Gen.Constant(Conditions.Field("reversibility").EqualTo("irreversible")),
        Gen.Constant(Conditions.Not(Conditions.Field("confidence").AtLeast(0.8))),
        CaseGen.Unit.Select(v => Conditions.All(Conditions.Field("confidence").LessThan(v), Conditions.Field("tool.name").In("shell", "read_logs"))),
        Gen.Choose(0, 120).Select(v => Conditions.Any(Conditions.Field("email.externalRecipients").Between(v, v + 10), Conditions.Field("sensitive").IsTrue())));

    private static readonly Gen<EffectDefinition> Outcome =
        from route in Gen.Elements(Enum.GetValues<RouteLevel>())
        from tier in Gen.Elements<string?>(null, "agent", "senior", "director")
        from approvals in Gen.Elements<int?>(null, 1, 2, 3)
        select new EffectDefinition { Route = route, Tier = tier, Approvals = approvals };

    public static class Inputs
    {
        /// <summary>A rule added to the defaults or to one action type, and 25 cases to route with and without it.</summary>
        public static Arbitrary<(string Scope, ConditionDefinition When, EffectDefinition Then, OperationsCase[] Cases)> AddedRules() =>
            (from scope in Gen.Elements(["defaults", .. OperationsPolicy.ActionTypes])
             from when in Condition
             from then in Outcome
             from cases in Gen.ArrayOf(CaseGen.Case(), 25)
             select (Scope: scope, When: when, Then: then, Cases: cases)).ToArbitrary();

        /// <summary>Cases of the action types the operations policy knows.</summary>
        public static Arbitrary<OperationsCase> KnownActions() => CaseGen.Arbitrary(OperationsPolicy.ActionTypes);
    }

    [Property(MaxTest = 400, QuietOnSuccess = true, Arbitrary = [typeof(Inputs)])]
    public void Adding_a_rule_never_loosens_a_decision((string Scope, ConditionDefinition When, EffectDefinition Then, OperationsCase[] Cases) t)
    {
        var definition = PolicyJson.Parse(OperationsJson);
        var scope = t.Scope == "defaults" ? definition.Defaults! : definition.Actions![t.Scope];
        (scope.Rules ??= []).Add(new RuleDefinition { Id = "added.rule", When = t.When, Then = t.Then });
        var extended = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        foreach (var c in t.Cases)
        {
            var before = Original.Route(c.ToSignals());
            var after = extended.Route(c.ToSignals());
            MonotonicityLaws.AssertNotLooser(before, after, c);
            if (after.FiredRules.Contains("added.rule"))
            {
                Assert.True(after.Route >= t.Then.Route!.Value || after.Route == RouteLevel.Block, $"{after} ignores the added rule's {t.Then.Route}");
            }
        }
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(Inputs)])]
    public void The_decision_is_the_maximum_of_what_the_fired_rules_propose(OperationsCase c)
    {
        var signals = c.ToSignals();
        var decision = Original.Route(signals);
        var trace = Original.Explain(signals);
        var proposed = trace.Rules.Where(r => r.Fired).Select(r => r.ProposedRoute).Append(trace.DefaultRoute).Max();
        Assert.True(decision.Route >= proposed, $"{decision} below the fired rules' {proposed}");
        if (decision.DecidedBy is { } id && !id.StartsWith("hitl:", StringComparison.Ordinal))
        {
            var first = trace.Rules.First(r => r.Fired && r.ProposedRoute == decision.Route);
            Assert.Equal(first.RuleId, id);
        }

        Assert.Equal(trace.Rules.Where(r => r.Fired).Select(r => r.RuleId), decision.FiredRules.ToArray());
    }
}
