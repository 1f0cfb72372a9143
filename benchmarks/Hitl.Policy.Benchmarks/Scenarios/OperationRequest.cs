namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// A host's own context for the operations policy: typed fields, read through accessors registered with
/// <see cref="SignalSchema{TContext}"/>. This is what a real service passes, not the dictionary-based <see cref="Signals"/>.
/// </summary>
[HitlSignals]
public readonly partial record struct OperationRequest
{
    [Signal(StandardSignals.Action)]
    public string? Action { get; init; }

    [Signal(StandardSignals.RequestId)]
    public string? RequestId { get; init; }

    [Signal(StandardSignals.Confidence)]
    public double Confidence { get; init; }

    [Signal(StandardSignals.Risk)]
    public double Risk { get; init; }

    [Signal(StandardSignals.Evidence)]
    public double Evidence { get; init; }

    [Signal(StandardSignals.Amount)]
    public double Amount { get; init; }

    [Signal(StandardSignals.Category)]
    public string? Category { get; init; }

    [Signal(StandardSignals.Reversibility)]
    public Reversibility Reversibility { get; init; }

    [Signal(StandardSignals.Sensitive)]
    public bool Sensitive { get; init; }

    [Signal(StandardSignals.Vulnerable)]
    public bool Vulnerable { get; init; }

    [Signal("applicant.income")]
    public double ApplicantIncome { get; init; }

    [Signal("applicant.debtRatio")]
    public double ApplicantDebtRatio { get; init; }

    [Signal("customer.segment")]
    public string? CustomerSegment { get; init; }

    [Signal("customer.isNew")]
    public bool CustomerIsNew { get; init; }

    [Signal("customer.chargebacks")]
    public double CustomerChargebacks { get; init; }

    [Signal("email.externalRecipients")]
    public double EmailExternalRecipients { get; init; }

    [Signal("email.mentionsLegal")]
    public bool EmailMentionsLegal { get; init; }

    [Signal("tool.name")]
    public string? ToolName { get; init; }

    [Signal("tool.touchesProduction")]
    public bool ToolTouchesProduction { get; init; }

    [Signal("fraud.signal")]
    public double FraudSignal { get; init; }

    [Signal("history.disputes")]
    public double HistoryDisputes { get; init; }
}
