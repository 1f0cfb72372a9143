using FsCheck;
using FsCheck.Fluent;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>The C# builder and the JSON document of one policy compile to plans that agree on every input.</summary>
public class BuilderJsonAgreementLaws
{
    [Fact]
    public void Builder_and_json_forms_of_the_operations_policy_agree()
    {
        var fromJson = OperationsPolicy.Compile();
        var definition = OperationsPolicyInCSharp.Builder().Build();
        var fromBuilder = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        Prop.ForAll(CaseGen.Arbitrary(), c =>
        {
            var signals = c.ToSignals();
            var expected = fromJson.Route(signals);
            var actual = fromBuilder.Route(signals);
            Assert.Equal(expected, actual);
            Assert.Equal(expected.DecidedBy, actual.DecidedBy);
            Assert.Equal(expected.FiredRules.ToArray(), actual.FiredRules.ToArray());
        }).Check(CaseGen.Thorough);
    }

    [Fact]
    public void A_builder_policy_survives_a_json_round_trip()
    {
        var definition = OperationsPolicyInCSharp.Builder().Build();
        var original = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var reparsed = PolicyJson.Parse(PolicyJson.Serialize(definition));
        var roundTripped = PolicyCompiler.Compile(reparsed, Signals.SchemaFor(reparsed));
        Prop.ForAll(CaseGen.Arbitrary(), c => Assert.Equal(original.Route(c.ToSignals()), roundTripped.Route(c.ToSignals())))
            .Check(CaseGen.Thorough);
    }

    [Fact]
    public void The_readme_builder_example_agrees_with_its_json()
    {
        var json = PolicyJson.Load(Repo.File("samples", "policies", "refunds.json"));
        var fromJson = PolicyCompiler.Compile(json, Signals.SchemaFor(json));
        var built = new Definition.PolicyBuilder("refunds", "2026.11.1")
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
            .Build();
        var fromBuilder = PolicyCompiler.Compile(built, Signals.SchemaFor(built));
        Prop.ForAll(CaseGen.Arbitrary("refund.issue"), c =>
        {
            var signals = c.ToSignals();
            signals.Numbers["customer.chargebacks"] = c.Chargebacks;
            Assert.Equal(fromJson.Route(signals), fromBuilder.Route(signals));
        }).Check(CaseGen.Thorough);
    }
}
