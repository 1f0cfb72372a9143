namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// A host's own context for the operations policy: typed fields, read through accessors registered with
/// <see cref="SignalSchema{TContext}"/>. This is what a real service passes, not the dictionary-based <see cref="Signals"/>.
/// </summary>
public readonly record struct OperationRequest
{
    public string? Action { get; init; }

    public string? RequestId { get; init; }

    public double Confidence { get; init; }

    public double Risk { get; init; }

    public double Evidence { get; init; }

    public double Amount { get; init; }

    public string? Category { get; init; }

    public Reversibility Reversibility { get; init; }

    public bool Sensitive { get; init; }

    public bool Vulnerable { get; init; }

    public double ApplicantIncome { get; init; }

    public double ApplicantDebtRatio { get; init; }

    public string? CustomerSegment { get; init; }

    public bool CustomerIsNew { get; init; }

    public double CustomerChargebacks { get; init; }

    public double EmailExternalRecipients { get; init; }

    public bool EmailMentionsLegal { get; init; }

    public string? ToolName { get; init; }

    public bool ToolTouchesProduction { get; init; }

    public double FraudSignal { get; init; }

    public double HistoryDisputes { get; init; }
}
