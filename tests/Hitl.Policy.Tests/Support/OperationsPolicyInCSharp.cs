using Hitl.Policy.Definition;
using static Hitl.Policy.Definition.Conditions;

namespace Hitl.Policy.Tests.Support;

/// <summary>samples/policies/operations.json written with the fluent builder.</summary>
internal static class OperationsPolicyInCSharp
{
    public static PolicyBuilder Builder() => new PolicyBuilder("operations", "2026.11.1")
        .Description("Loans, refunds, customer e-mail and agent tool calls.")
        .Tiers("agent", "senior", "director")
        .NumberField("applicant.income", min: 0)
        .NumberField("applicant.debtRatio", min: 0, max: 1)
        .TextField("customer.segment")
        .FlagField("customer.isNew")
        .NumberField("customer.chargebacks", min: 0)
        .NumberField("email.externalRecipients", min: 0)
        .FlagField("email.mentionsLegal")
        .TextField("tool.name", required: true)
        .FlagField("tool.touchesProduction")
        .NumberField("fraud.signal", min: 0, max: 1)
        .NumberField("history.disputes", min: 0, max: 1)
        .OnInvalidSignal(Route.Review)
        .OnUnknownAction(Route.Review)
        .Defaults(d => d
            .DefaultRoute(Route.AutoExecute)
            .ConfidenceBand("confidence.high", 0.9, 1.0, Route.AutoExecute)
            .ConfidenceBand("confidence.medium", 0.7, 0.9, Route.Review)
            .ConfidenceBand("confidence.low", 0.0, 0.7, Route.Escalate)
            .EvidenceBelow("evidence.weak", 0.5, Route.Review)
            .Irreversible(Route.Review)
            .Vulnerable(Route.Review, tier: "senior")
            .Sample(0.05, SamplingMode.Flag)
            .Review(tier: "agent", approvals: 1, deadline: TimeSpan.FromHours(4), onTimeout: Route.Escalate)
            .Escalate(tier: "senior", approvals: 1, deadline: TimeSpan.FromHours(8), onTimeout: Route.Block))
        .Action("loan.approve", a => a
            .ConfidenceBand("loan.confidence.high", 0.95, 1.0, Route.AutoExecute)
            .ConfidenceBand("loan.confidence.medium", 0.8, 0.95, Route.Review)
            .ConfidenceBand("loan.confidence.low", 0.0, 0.8, Route.Escalate)
            .RiskFactor("applicant.debtRatio", 2)
            .RiskFactor("fraud.signal", 3)
            .RiskFactor("history.disputes", 1)
            .RiskThreshold("loan.risk.elevated", 0.4, Route.Review, tier: "senior")
            .RiskThreshold("loan.risk.high", 0.7, Route.Escalate, tier: "director")
            .ImpactTier("loan.impact.medium", 10_000, Route.Review, tier: "senior")
            .ImpactTier("loan.impact.large", 100_000, Route.Review, tier: "director", approvals: 2)
            .Rule("loan.low-income-large-loan", All(Field("amount").AtLeast(25_000), Field("applicant.income").LessThan(50_000)), Route.Review, tier: "senior")
            .Rule("loan.new-business", All(Field("customer.isNew").IsTrue(), Field("customer.segment").EqualTo("business")), Route.Review)
            .Sample(0.1, SamplingMode.Review))
        .Action("refund.issue", a => a
            .ImpactTier("refund.impact.large", 500, Route.Review)
            .ImpactTier("refund.impact.very-large", 5000, Route.Review, tier: "senior", approvals: 2)
            .CostlyToReverse(Route.AutoExecuteWithNotice)
            .Irreversible(Route.Review)
            .Rule("refund.chargeback-history", Field("customer.chargebacks").AtLeast(3), Route.Review, tier: "senior")
            .Rule("refund.new-customer-mid-amount", All(Field("customer.isNew").IsTrue(), Field("amount").AtLeast(200)), Route.AutoExecuteWithNotice)
            .Rule("refund.private-segment", Field("customer.segment").In("private"), Route.Review, tier: "senior"))
        .Action("email.send", a => a
            .ConfidenceBand("email.confidence.high", 0.85, 1.0, Route.AutoExecute)
            .ConfidenceBand("email.confidence.medium", 0.6, 0.85, Route.Review)
            .ConfidenceBand("email.confidence.low", 0.0, 0.6, Route.Block)
            .Sensitive(Route.Review, tier: "senior")
            .ImpactCategories("email.impact.regulated", ["legal", "health", "credit"], Route.Review, tier: "senior")
            .Rule("email.legal-language", Field("email.mentionsLegal").IsTrue(), Route.Escalate, tier: "director")
            .Rule("email.mass-external", Field("email.externalRecipients").GreaterThan(50), Route.Review)
            .Sample(0.05, SamplingMode.Flag))
        .Action("agent.tool-call", a => a
            .DefaultRoute(Route.AutoExecuteWithNotice)
            .RiskThreshold("tool.risk.high", 0.8, Route.Escalate)
            .Rule("tool.production-write",
                All(Field("tool.touchesProduction").IsTrue(), Not(Field("tool.name").In("read_logs", "get_metrics"))),
                Route.Review, tier: "senior", deadline: TimeSpan.FromMinutes(30))
            .Rule("tool.dangerous", Field("tool.name").In("drop_table", "delete_bucket", "rotate_keys", "wire_transfer"), Route.Escalate, tier: "director", approvals: 2)
            .Rule("tool.shell", Field("tool.name").EqualTo("shell"), Route.Review));
}
