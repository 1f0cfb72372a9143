using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 2: a riskier signal never gives a less restrictive decision.</summary>
/// <remarks>Each law takes a generated case and a step <c>k</c> by which it makes the case riskier; the step's range is the law's own.</remarks>
public class MonotonicityLaws
{
    private static readonly CompiledPolicy<Signals> Policy = OperationsPolicy.Compile();

    public static class StepsTo100
    {
        public static Arbitrary<int> Steps() => Gen.Choose(1, 100).ToArbitrary();
    }

    public static class StepsTo200000
    {
        public static Arbitrary<int> Steps() => Gen.Choose(1, 200_000).ToArbitrary();
    }

    public static class StepsTo2
    {
        public static Arbitrary<int> Steps() => Gen.Choose(1, 2).ToArbitrary();
    }

    public static class StepsTo3
    {
        public static Arbitrary<int> Steps() => Gen.Choose(1, 3).ToArbitrary();
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo100)])]
    public void Lower_confidence_never_loosens(OperationsCase c, int k) =>
        Check(c, c with { Confidence = Math.Max(0, c.Confidence - k / 100.0) });

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo100)])]
    public void Weaker_evidence_never_loosens(OperationsCase c, int k) =>
        Check(c, c with { Evidence = Math.Max(0, c.Evidence - k / 100.0) });

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo200000)])]
    public void Higher_impact_never_loosens(OperationsCase c, int k) =>
        Check(c, c with { Amount = c.Amount + k });

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo100)])]
    public void Higher_risk_never_loosens(OperationsCase c, int k) =>
        Check(c, c with
        {
            Risk = Math.Min(1, c.Risk + k / 100.0),
            DebtRatio = Math.Min(1, c.DebtRatio + k / 100.0),
            Fraud = Math.Min(1, c.Fraud + k / 200.0),
            Disputes = Math.Min(1, c.Disputes + k / 300.0),
        });

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo2)])]
    public void Less_reversibility_never_loosens(OperationsCase c, int k) =>
        Check(c, c with { Reversibility = (Reversibility)Math.Min(2, (int)c.Reversibility + k) });

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(AnyCase), typeof(StepsTo3)])]
    public void Sensitivity_and_vulnerability_never_loosen(OperationsCase c, int k) =>
        Check(c, c with { Sensitive = c.Sensitive || (k & 1) != 0, Vulnerable = c.Vulnerable || (k & 2) != 0 });

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

    private static void Check(OperationsCase c, OperationsCase riskier)
    {
        var before = Policy.Route(c.ToSignals());
        var after = Policy.Route(riskier.ToSignals());
        AssertNotLooser(before, after, (Case: c, Riskier: riskier));
    }
}
