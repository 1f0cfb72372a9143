namespace Hitl.Policy.Samples.FinancialApprovals;

/// <summary>What the finance system knows about one payment or expense claim a model proposes to pay.</summary>
internal readonly record struct ApprovalRequest(
    string Action,
    string Id,
    string Payee,
    double Confidence,
    double Amount,
    Reversibility Reversibility,
    bool VendorIsNew = false,
    bool BankChanged = false,
    double DuplicateScore = 0,
    bool HasReceipt = true)
{
    /// <summary>How the policy reads this type: the standard signals and the host fields financial-approvals.json declares.</summary>
    public static SignalSchema<ApprovalRequest> Schema { get; } = new SignalSchema<ApprovalRequest>()
        .ActionType(static (in ApprovalRequest r) => r.Action)
        .RequestId(static (in ApprovalRequest r) => r.Id)
        .Confidence(static (in ApprovalRequest r) => r.Confidence)
        .Amount(static (in ApprovalRequest r) => r.Amount)
        .Reversibility(static (in ApprovalRequest r) => r.Reversibility)
        .Flag("vendor.isNew", static (in ApprovalRequest r) => r.VendorIsNew)
        .Flag("vendor.bankChanged", static (in ApprovalRequest r) => r.BankChanged)
        .Number("invoice.duplicateScore", static (in ApprovalRequest r) => r.DuplicateScore)
        .Flag("expense.hasReceipt", static (in ApprovalRequest r) => r.HasReceipt);
}
