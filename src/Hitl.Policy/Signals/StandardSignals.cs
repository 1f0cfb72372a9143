namespace Hitl.Policy;

/// <summary>
/// The names of the standard signals. Rules name them like host-defined fields; the policy engine knows their
/// meaning, their range and the direction in which each one is riskier.
/// </summary>
public static class StandardSignals
{
    /// <summary>The action type, for example <c>loan.approve</c> (text, required).</summary>
    public const string Action = "action";

    /// <summary>The host's id for the request; keys the deterministic audit sample (text).</summary>
    public const string RequestId = "requestId";

    /// <summary>The model's confidence in [0, 1]; lower is riskier.</summary>
    public const string Confidence = "confidence";

    /// <summary>The risk score in [0, 1], given or computed from weighted risk factors; higher is riskier.</summary>
    public const string Risk = "risk";

    /// <summary>The quality of the evidence behind the output in [0, 1]; lower is riskier.</summary>
    public const string Evidence = "evidence";

    /// <summary>The impact amount (for example money), finite and at least 0; higher is riskier.</summary>
    public const string Amount = "amount";

    /// <summary>The impact category, for example <c>health</c> (text).</summary>
    public const string Category = "category";

    /// <summary>How hard the action is to undo; less reversible is riskier.</summary>
    public const string Reversibility = "reversibility";

    /// <summary>Whether the output touches sensitive matters (flag); true is riskier.</summary>
    public const string Sensitive = "sensitive";

    /// <summary>Whether the affected person is vulnerable (flag); true is riskier.</summary>
    public const string Vulnerable = "vulnerable";

    internal const int ActionIndex = 0;
    internal const int RequestIdIndex = 1;
    internal const int ConfidenceIndex = 2;
    internal const int RiskIndex = 3;
    internal const int EvidenceIndex = 4;
    internal const int AmountIndex = 5;
    internal const int CategoryIndex = 6;
    internal const int ReversibilityIndex = 7;
    internal const int SensitiveIndex = 8;
    internal const int VulnerableIndex = 9;

    /// <summary>Every standard signal name, in index order.</summary>
    internal static readonly string[] Names =
    [
        Action, RequestId, Confidence, Risk, Evidence, Amount, Category, Reversibility, Sensitive, Vulnerable,
    ];

    internal static readonly FieldType[] Types =
    [
        FieldType.Text, FieldType.Text, FieldType.Number, FieldType.Number, FieldType.Number, FieldType.Number,
        FieldType.Text, FieldType.Reversibility, FieldType.Flag, FieldType.Flag,
    ];

    internal static int IndexOf(string name) => Array.IndexOf(Names, name);
}
