using FsCheck;
using FsCheck.Fluent;

namespace Hitl.Policy.Tests.Support;

/// <summary>One generated model output for the operations policy, as plain values (easy to vary and to print).</summary>
/// <remarks>Public because the laws take it as a parameter of their (public) property methods.</remarks>
public sealed record OperationsCase(
    string Action,
    string RequestId,
    double Confidence,
    double Evidence,
    double Amount,
    double Risk,
    double DebtRatio,
    double Fraud,
    double Disputes,
    double Income,
    double Chargebacks,
    double Recipients,
    string Category,
    string Segment,
    string Tool,
    Reversibility Reversibility,
    bool Sensitive,
    bool Vulnerable,
    bool IsNew,
    bool MentionsLegal,
    bool TouchesProduction)
{
    public Signals ToSignals()
    {
        var s = new Signals
        {
            ActionType = Action,
            RequestId = RequestId,
            Confidence = Confidence,
            Evidence = Evidence,
            Amount = Amount,
            Risk = Risk,
            Category = Category,
            Reversibility = Reversibility,
            Sensitive = Sensitive,
            Vulnerable = Vulnerable,
        };
        s.Numbers["applicant.income"] = Income;
        s.Numbers["applicant.debtRatio"] = DebtRatio;
        s.Numbers["fraud.signal"] = Fraud;
        s.Numbers["history.disputes"] = Disputes;
        s.Numbers["customer.chargebacks"] = Chargebacks;
        s.Numbers["email.externalRecipients"] = Recipients;
        s.Texts["customer.segment"] = Segment;
        s.Texts["tool.name"] = Tool;
        s.Flags["customer.isNew"] = IsNew;
        s.Flags["email.mentionsLegal"] = MentionsLegal;
        s.Flags["tool.touchesProduction"] = TouchesProduction;
        return s;
    }
}

internal static class CaseGen
{
    /// <summary>A unit value on a grid of 1/100, so that generated values hit the policy's boundaries exactly.</summary>
    public static Gen<double> Unit { get; } = Gen.Choose(0, 100).Select(i => i / 100.0);

    public static Gen<double> Amount { get; } = Gen.Frequency(
        (3, Gen.Choose(0, 1000).Select(i => (double)i)),
        (2, Gen.Choose(0, 200).Select(i => i * 500.0)),
        (1, Gen.Elements(0.0, 200, 500, 5000, 10_000, 25_000, 100_000, 250_000)));

    public static Gen<OperationsCase> Case(params string[] actions) =>
        from action in Gen.Elements(actions.Length > 0 ? actions : [.. OperationsPolicy.ActionTypes, "unknown.action"])
        from requestId in Gen.Choose(0, int.MaxValue).Select(i => "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
        from confidence in Unit
        from evidence in Unit
        from amount in Amount
        from risk in Unit
        from debt in Unit
        from fraud in Unit
        from disputes in Unit
        from income in Gen.Choose(0, 200).Select(i => i * 1000.0)
        from chargebacks in Gen.Choose(0, 6).Select(i => (double)i)
        from recipients in Gen.Choose(0, 120).Select(i => (double)i)
        from category in Gen.Elements("retail", "legal", "health", "credit", "travel")
        from segment in Gen.Elements("retail", "business", "private")
        from tool in Gen.Elements("read_logs", "get_metrics", "shell", "drop_table", "send_invoice", "wire_transfer")
        from reversibility in Gen.Elements(Reversibility.Reversible, Reversibility.CostlyToReverse, Reversibility.Irreversible)
        from flags in Gen.Choose(0, 31)
        select new OperationsCase(action, requestId, confidence, evidence, amount, risk, debt, fraud, disputes, income, chargebacks,
            recipients, category, segment, tool, reversibility, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0, (flags & 16) != 0);

    public static Arbitrary<OperationsCase> Arbitrary(params string[] actions) => Case(actions).ToArbitrary();

    /// <summary>How many cases a law over the operations policy runs (<c>[Property(MaxTest = CaseGen.Thorough)]</c>).</summary>
    public const int Thorough = 3000;
}

/// <summary>Operations cases for any action type of the operations policy, and one it does not know.</summary>
public static class AnyCase
{
    public static Arbitrary<OperationsCase> Cases() => CaseGen.Arbitrary();
}
