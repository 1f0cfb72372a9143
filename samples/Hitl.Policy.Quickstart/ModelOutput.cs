namespace Hitl.Policy.Quickstart;

/// <summary>What the host knows about one model output before acting on it: its own type, read by typed accessors.</summary>
internal sealed record ModelOutput(
    string Action,
    string RequestId,
    double Confidence,
    double Evidence,
    double Amount,
    double Risk,
    string Category,
    Reversibility Reversibility,
    bool Sensitive,
    bool Vulnerable,
    double Income,
    double DebtRatio,
    double Fraud,
    double Disputes,
    string Segment,
    bool IsNew,
    double Chargebacks,
    double Recipients,
    bool MentionsLegal,
    string Tool,
    bool TouchesProduction,
    string Language)
{
    public static SignalSchema<ModelOutput> Schema { get; } = new SignalSchema<ModelOutput>()
        .ActionType(static (in ModelOutput o) => o.Action)
        .RequestId(static (in ModelOutput o) => o.RequestId)
        .Confidence(static (in ModelOutput o) => o.Confidence)
        .Evidence(static (in ModelOutput o) => o.Evidence)
        .Amount(static (in ModelOutput o) => o.Amount)
        .Risk(static (in ModelOutput o) => o.Risk)
        .Category(static (in ModelOutput o) => o.Category)
        .Reversibility(static (in ModelOutput o) => o.Reversibility)
        .Sensitive(static (in ModelOutput o) => o.Sensitive)
        .Vulnerable(static (in ModelOutput o) => o.Vulnerable)
        .Number("applicant.income", static (in ModelOutput o) => o.Income)
        .Number("applicant.debtRatio", static (in ModelOutput o) => o.DebtRatio)
        .Number("fraud.signal", static (in ModelOutput o) => o.Fraud)
        .Number("history.disputes", static (in ModelOutput o) => o.Disputes)
        .Text("customer.segment", static (in ModelOutput o) => o.Segment)
        .Flag("customer.isNew", static (in ModelOutput o) => o.IsNew)
        .Number("customer.chargebacks", static (in ModelOutput o) => o.Chargebacks)
        .Number("email.externalRecipients", static (in ModelOutput o) => o.Recipients)
        .Flag("email.mentionsLegal", static (in ModelOutput o) => o.MentionsLegal)
        .Text("tool.name", static (in ModelOutput o) => o.Tool)
        .Flag("tool.touchesProduction", static (in ModelOutput o) => o.TouchesProduction);
}
