using FsCheck;
using FsCheck.Fluent;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 2: a riskier signal never gives a less restrictive decision.</summary>
public class MonotonicityLaws
{
    private static readonly CompiledPolicy<Signals> Policy = OperationsPolicy.Compile();

    [Fact]
    public void Lower_confidence_never_loosens() =>
        Check(Gen.Choose(1, 100), (c, k) => c with { Confidence = Math.Max(0, c.Confidence - k / 100.0) });

    [Fact]
    public void Weaker_evidence_never_loosens() =>
        Check(Gen.Choose(1, 100), (c, k) => c with { Evidence = Math.Max(0, c.Evidence - k / 100.0) });

    [Fact]
    public void Higher_impact_never_loosens() =>
        Check(Gen.Choose(1, 200_000), (c, k) => c with { Amount = c.Amount + k });

    [Fact]
    public void Higher_risk_never_loosens() =>
        Check(Gen.Choose(1, 100), (c, k) => c with
        {
            Risk = Math.Min(1, c.Risk + k / 100.0),
            DebtRatio = Math.Min(1, c.DebtRatio + k / 100.0),
            Fraud = Math.Min(1, c.Fraud + k / 200.0),
            Disputes = Math.Min(1, c.Disputes + k / 300.0),
        });

    [Fact]
    public void Less_reversibility_never_loosens() =>
        Check(Gen.Choose(1, 2), (c, k) => c with { Reversibility = (Reversibility)Math.Min(2, (int)c.Reversibility + k) });

    [Fact]
    public void Sensitivity_and_vulnerability_never_loosen() =>
        Check(Gen.Choose(1, 3), (c, k) => c with { Sensitive = c.Sensitive || (k & 1) != 0, Vulnerable = c.Vulnerable || (k & 2) != 0 });

    /// <summary>Route(riskier) is at least Route(original); on the same route, tier and approvals are at least as high.</summary>
    internal static void AssertNotLooser(Decision original, Decision riskier, object context)
    {
        Assert.True(riskier.Route >= original.Route, $"{riskier} is looser than {original} for {context}");
        if (riskier.Route == original.Route)
        {
            Assert.True(riskier.RequiredTierRank >= original.RequiredTierRank, $"tier fell: {original} -> {riskier} for {context}");
            Assert.True(riskier.RequiredApprovals >= original.RequiredApprovals, $"approvals fell: {original} -> {riskier} for {context}");
        }
    }

    private static void Check(Gen<int> step, Func<OperationsCase, int, OperationsCase> riskier)
    {
        var pairs = from c in CaseGen.Case() from k in step select (Case: c, Riskier: riskier(c, k));
        Prop.ForAll(pairs.ToArbitrary(), pair =>
        {
            var before = Policy.Route(pair.Case.ToSignals());
            var after = Policy.Route(pair.Riskier.ToSignals());
            AssertNotLooser(before, after, pair);
        }).Check(CaseGen.Thorough);
    }
}
