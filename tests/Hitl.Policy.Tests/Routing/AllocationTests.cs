using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Routing;

/// <summary>DESIGN semantics 8: once the policy is built, Route() allocates nothing.</summary>
public class AllocationTests
{
    /// <summary>A host's own context type: typed fields, no dictionaries.</summary>
    private readonly record struct LoanContext(
        string Action, string RequestId, double Confidence, double Evidence, double Amount, double Risk, string Category,
        Reversibility Reversibility, bool Vulnerable, bool Sensitive, double Income, double DebtRatio, double Fraud, double Disputes,
        string Segment, bool IsNew, double Chargebacks, double Recipients, bool MentionsLegal, string Tool, bool TouchesProduction);

    private static SignalSchema<LoanContext> Schema() => new SignalSchema<LoanContext>()
        .ActionType(static (in LoanContext c) => c.Action)
        .RequestId(static (in LoanContext c) => c.RequestId)
        .Confidence(static (in LoanContext c) => c.Confidence)
        .Evidence(static (in LoanContext c) => c.Evidence)
        .Amount(static (in LoanContext c) => c.Amount)
        .Risk(static (in LoanContext c) => c.Risk)
        .Category(static (in LoanContext c) => c.Category)
        .Reversibility(static (in LoanContext c) => c.Reversibility)
        .Vulnerable(static (in LoanContext c) => c.Vulnerable)
        .Sensitive(static (in LoanContext c) => c.Sensitive)
        .Number("applicant.income", static (in LoanContext c) => c.Income)
        .Number("applicant.debtRatio", static (in LoanContext c) => c.DebtRatio)
        .Number("fraud.signal", static (in LoanContext c) => c.Fraud)
        .Number("history.disputes", static (in LoanContext c) => c.Disputes)
        .Text("customer.segment", static (in LoanContext c) => c.Segment)
        .Flag("customer.isNew", static (in LoanContext c) => c.IsNew)
        .Number("customer.chargebacks", static (in LoanContext c) => c.Chargebacks)
        .Number("email.externalRecipients", static (in LoanContext c) => c.Recipients)
        .Flag("email.mentionsLegal", static (in LoanContext c) => c.MentionsLegal)
        .Text("tool.name", static (in LoanContext c) => c.Tool)
        .Flag("tool.touchesProduction", static (in LoanContext c) => c.TouchesProduction);

    /// <summary>Most model outputs are unremarkable: confident, evidence-backed, reversible, small.</summary>
    private static LoanContext Clean(LoanContext c) => c with
    {
        Confidence = 0.96 + (c.Confidence * 0.04), Evidence = 0.9, Reversibility = Reversibility.Reversible, Vulnerable = false,
        Sensitive = false, Amount = c.Amount % 400, Risk = c.Risk / 2, Fraud = 0, DebtRatio = c.DebtRatio / 4, Chargebacks = 0,
        MentionsLegal = false, Recipients = 1, TouchesProduction = false, Segment = "retail", Category = "retail",
    };

    [Fact]
    public void Warmed_route_calls_allocate_nothing()
    {
        var killSwitch = new KillSwitch();
        var policy = PolicyCompiler.Compile(OperationsPolicy.Definition(), Schema(), killSwitch);
        Assert.True(policy.RuleIdsFor("loan.approve").Count + policy.RuleIdsFor("refund.issue").Count +
                    policy.RuleIdsFor("email.send").Count + policy.RuleIdsFor("agent.tool-call").Count >= 25);
        killSwitch.Engage("email.send", "ops", "drill");
        var inputs = CaseGen.Case().Sample(1024, seed: 11).Select(c => new LoanContext(
            c.Action, c.RequestId, c.Confidence, c.Evidence, c.Amount, c.Risk, c.Category, c.Reversibility, c.Vulnerable, c.Sensitive,
            c.Income, c.DebtRatio, c.Fraud, c.Disputes, c.Segment, c.IsNew, c.Chargebacks, c.Recipients, c.MentionsLegal, c.Tool,
            c.TouchesProduction)).Select((c, i) => i % 5 < 3 ? Clean(c) : c).ToArray();
        var nan = inputs[0] with { Confidence = double.NaN };
        var routes = new int[5];
        for (var i = 0; i < inputs.Length; i++)
        {
            routes[(int)policy.Route(inputs[i]).Route]++;
        }

        policy.Route(nan);
        var sampled = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            var decision = policy.Route(inputs[i & 1023]);
            sampled += decision.IsSampledForAudit ? 1 : 0;
            foreach (var rule in decision.FiredRules)
            {
                sampled += rule.Length > 1000 ? 1 : 0;
            }
        }

        policy.Route(nan);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sampled > 0, "the inputs should include sampled decisions");
        Assert.All(routes, count => Assert.True(count > 0, "every route should occur among the inputs: " + string.Join(",", routes)));
    }
}
