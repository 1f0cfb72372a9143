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
}
