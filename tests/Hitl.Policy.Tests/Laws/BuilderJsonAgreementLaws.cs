using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>The C# builder and the JSON document of one policy compile to plans that agree on every input.</summary>
public class BuilderJsonAgreementLaws
{
    private static readonly CompiledPolicy<Signals> OperationsFromJson = OperationsPolicy.Compile();

    private static readonly CompiledPolicy<Signals> OperationsFromBuilder = Compile(OperationsPolicyInCSharp.Builder().Build());

    private static readonly CompiledPolicy<Signals> OperationsRoundTripped =
        Compile(PolicyJson.Parse(PolicyJson.Serialize(OperationsPolicyInCSharp.Builder().Build())));

    private static readonly CompiledPolicy<Signals> RefundsFromJson = Compile(PolicyJson.Load(Repo.File("samples", "policies", "refunds.json")));

    private static readonly CompiledPolicy<Signals> RefundsFromBuilder = Compile(new Definition.PolicyBuilder("refunds", "2026.11.1")
        .Tiers("agent", "supervisor")
        .NumberField("customer.chargebacks", min: 0)
        .Defaults(d => d
            .ConfidenceBand("confident", 0.9, 1.0, RouteLevel.AutoExecute)
            .ConfidenceBand("unsure", 0.6, 0.9, RouteLevel.Review)
            .ConfidenceBand("guessing", 0.0, 0.6, RouteLevel.Escalate)
            .Sample(0.05))
        .Action("refund.issue", a => a
            .ImpactTier("large-refund", amountAtLeast: 500, tier: "supervisor")
            .Irreversible(RouteLevel.Review)
            .Rule("serial-chargebacks", Definition.Conditions.Field("customer.chargebacks").AtLeast(3), RouteLevel.Review, tier: "supervisor"))
        .Build());

    public static class Refunds
    {
        public static Arbitrary<OperationsCase> Cases() => CaseGen.Arbitrary("refund.issue");
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase)])]
    public void Builder_and_json_forms_of_the_operations_policy_agree(OperationsCase c)
    {
        var signals = c.ToSignals();
        var expected = OperationsFromJson.Route(signals);
        var actual = OperationsFromBuilder.Route(signals);
        Assert.Equal(expected, actual);
        Assert.Equal(expected.DecidedBy, actual.DecidedBy);
        Assert.Equal(expected.FiredRules.ToArray(), actual.FiredRules.ToArray());
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase)])]
    public void A_builder_policy_survives_a_json_round_trip(OperationsCase c) =>
        Assert.Equal(OperationsFromBuilder.Route(c.ToSignals()), OperationsRoundTripped.Route(c.ToSignals()));

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(Refunds)])]
    public void The_readme_builder_example_agrees_with_its_json(OperationsCase c)
    {
        var signals = c.ToSignals();
        signals.Numbers["customer.chargebacks"] = c.Chargebacks;
        Assert.Equal(RefundsFromJson.Route(signals), RefundsFromBuilder.Route(signals));
    }

    private static CompiledPolicy<Signals> Compile(Definition.PolicyDefinition definition) => PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
}
