using Hitl.Policy.Definition;
using static Hitl.Policy.Definition.Conditions;

namespace Hitl.Policy.Snippets;

/// <summary>The README's Quick example, in C#: the same policy as refunds.json, built with <see cref="PolicyBuilder"/>.</summary>
public static class PolicyBuilderSnippet
{
    /// <summary>Builds and compiles the refunds policy.</summary>
    public static CompiledPolicy<T> Build<T>(SignalSchema<T> schema)
    {
        #region policy-builder
        var policy = new PolicyBuilder("refunds", "2026.11.1")
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
                .Rule("serial-chargebacks", Field("customer.chargebacks").AtLeast(3), RouteLevel.Review, tier: "supervisor"))
            .Compile(schema);
        #endregion
        return policy;
    }
}
