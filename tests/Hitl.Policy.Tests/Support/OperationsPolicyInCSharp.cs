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
        .OnInvalidSignal(RouteLevel.Review)
        .OnUnknownAction(RouteLevel.Review)
        .Defaults(d => d
            .DefaultRoute(RouteLevel.AutoExecute)
            .ConfidenceBand("confidence.high", 0.9, 1.0, RouteLevel.AutoExecute)
            .ConfidenceBand("confidence.medium", 0.7, 0.9, RouteLevel.Review)
            .ConfidenceBand("confidence.low", 0.0, 0.7, RouteLevel.Escalate)
            .EvidenceBelow("evidence.weak", 0.5, RouteLevel.Review)
            .Irreversible(RouteLevel.Review)
            .Vulnerable(RouteLevel.Review, tier: "senior")
            .Sample(0.05, SamplingMode.Flag)
            .Review(tier: "agent", approvals: 1, deadline: TimeSpan.FromHours(4), onTimeout: RouteLevel.Escalate)
            .Escalate(tier: "senior", approvals: 1, deadline: TimeSpan.FromHours(8), onTimeout: RouteLevel.Block))
        .Action("loan.approve", a => a
            .ConfidenceBand("loan.confidence.high", 0.95, 1.0, RouteLevel.AutoExecute)
            .ConfidenceBand("loan.confidence.medium", 0.8, 0.95, RouteLevel.Review)
            .ConfidenceBand("loan.confidence.low", 0.0, 0.8, RouteLevel.Escalate)
            .RiskFactor("applicant.debtRatio", 2)
            .RiskFactor("fraud.signal", 3)
            .RiskFactor("history.disputes", 1)
            .RiskThreshold("loan.risk.elevated", 0.4, RouteLevel.Review, tier: "senior")
            .RiskThreshold("loan.risk.high", 0.7, RouteLevel.Escalate, tier: "director")
            .ImpactTier("loan.impact.medium", 10_000, RouteLevel.Review, tier: "senior")
            .ImpactTier("loan.impact.large", 100_000, RouteLevel.Review, tier: "director", approvals: 2)
            .Rule("loan.low-income-large-loan", All(Field("amount").AtLeast(25_000), Field("applicant.income").LessThan(50_000)), RouteLevel.Review, tier: "senior")
            .Rule("loan.new-business", All(Field("customer.isNew").IsTrue(), Field("customer.segment").EqualTo("business")), RouteLevel.Review)
            .Sample(0.1, SamplingMode.Review))
        .Action("refund.issue", a => a
            .ImpactTier("refund.impact.large", 500, RouteLevel.Review)
            .ImpactTier("refund.impact.very-large", 5000, RouteLevel.Review, tier: "senior", approvals: 2)
            .CostlyToReverse(RouteLevel.AutoExecuteWithNotice)
            .Irreversible(RouteLevel.Review)
            .Rule("refund.chargeback-history", Field("customer.chargebacks").AtLeast(3), RouteLevel.Review, tier: "senior")
            .Rule("refund.new-customer-mid-amount", All(Field("customer.isNew").IsTrue(), Field("amount").AtLeast(200)), RouteLevel.AutoExecuteWithNotice)
            .Rule("refund.private-segment", Field("customer.segment").In("private"), RouteLevel.Review, tier: "senior"))
        .Action("email.send", a => a
            .ConfidenceBand("email.confidence.high", 0.85, 1.0, RouteLevel.AutoExecute)
            .ConfidenceBand("email.confidence.medium", 0.6, 0.85, RouteLevel.Review)
            .ConfidenceBand("email.confidence.low", 0.0, 0.6, RouteLevel.Block)
            .Sensitive(RouteLevel.Review, tier: "senior")
            .ImpactCategories("email.impact.regulated", ["legal", "health", "credit"], RouteLevel.Review, tier: "senior")
            .Rule("email.legal-language", Field("email.mentionsLegal").IsTrue(), RouteLevel.Escalate, tier: "director")
            .Rule("email.mass-external", Field("email.externalRecipients").GreaterThan(50), RouteLevel.Review)
            .Sample(0.05, SamplingMode.Flag))
        .Action("agent.tool-call", a => a
            .DefaultRoute(RouteLevel.AutoExecuteWithNotice)
            .RiskThreshold("tool.risk.high", 0.8, RouteLevel.Escalate)
            .Rule("tool.production-write",
                All(Field("tool.touchesProduction").IsTrue(), Not(Field("tool.name").In("read_logs", "get_metrics"))),
                RouteLevel.Review, tier: "senior", deadline: TimeSpan.FromMinutes(30))
            .Rule("tool.dangerous", Field("tool.name").In("drop_table", "delete_bucket", "rotate_keys", "wire_transfer"), RouteLevel.Escalate, tier: "director", approvals: 2)
            .Rule("tool.shell", Field("tool.name").EqualTo("shell"), RouteLevel.Review));
}
