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

    // The README's builder example, compiled from its source (samples/Hitl.Policy.Snippets, linked into this project).
    private static readonly CompiledPolicy<Signals> RefundsFromBuilder =
        Snippets.PolicyBuilderSnippet.Build(Signals.Schema([("customer.chargebacks", FieldType.Number)]));

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
