// Tiered financial approvals: a model proposes payments and expense reimbursements; the policy in financial-approvals.json decides
// which run on their own and which wait for a junior, a senior, two seniors (four eyes) or the controller.
using System.Globalization;
using Hitl.Policy;
using Hitl.Policy.Samples.FinancialApprovals;

var definition = PolicyJson.Load(Path.Combine(AppContext.BaseDirectory, "financial-approvals.json"));
var policy = PolicyCompiler.Compile(definition, ApprovalRequest.Schema);

ApprovalRequest[] proposals =
[
    new("payment.release", "pay-1001", "Office supplies Ltd", 0.97, 420, Reversibility.CostlyToReverse),
    new("payment.release", "pay-1002", "Cloud hosting GmbH", 0.96, 4_800, Reversibility.CostlyToReverse),
    new("payment.release", "pay-1003", "Build contractor", 0.95, 18_500, Reversibility.CostlyToReverse),
    new("payment.release", "pay-1004", "Equipment lease", 0.98, 64_000, Reversibility.CostlyToReverse),
    new("payment.release", "pay-1005", "Catering service", 0.99, 380, Reversibility.CostlyToReverse, BankChanged: true),
    new("payment.release", "pay-1006", "Office supplies Ltd", 0.99, 420, Reversibility.CostlyToReverse, DuplicateScore: 0.97),
    new("payment.release", "pay-1007", "New translator", 0.94, 900, Reversibility.CostlyToReverse, VendorIsNew: true),
    new("payment.release", "pay-1008", "Overseas supplier", 0.97, 700, Reversibility.Irreversible),
    new("payment.release", "pay-1009", "Unclear invoice", 0.62, 300, Reversibility.CostlyToReverse),
    new("expense.reimburse", "exp-2001", "Taxi", 0.97, 38, Reversibility.CostlyToReverse),
    new("expense.reimburse", "exp-2002", "Hotel, no receipt", 0.93, 140, Reversibility.CostlyToReverse, HasReceipt: false),
    new("expense.reimburse", "exp-2003", "Conference travel", 0.95, 2_900, Reversibility.CostlyToReverse),
];

Console.WriteLine($"Policy {policy.PolicyId} {policy.PolicyVersion}: reviewer tiers {string.Join(" < ", policy.Tiers)}");
Console.WriteLine();
Console.WriteLine($"{"REQUEST",-9} {"PAYEE",-20} {"AMOUNT",10}  {"OUTCOME",-48} DECIDED BY");
foreach (var proposal in proposals)
{
    var decision = policy.Route(proposal);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{proposal.Id,-9} {proposal.Payee,-20} {proposal.Amount,10:N0}  {Outcome(decision),-48} {decision.DecidedBy}"));
}

Console.WriteLine();
var fourEyes = proposals.First(p => p.Id == "pay-1004");
Console.WriteLine("Why does the equipment lease need four eyes? Every rule that fired proposed a minimum; the strictest of each wins:");
foreach (var rule in policy.Explain(fourEyes).Rules.Where(r => r.Fired))
{
    var tier = rule.ProposedTier is null ? "" : ", tier " + rule.ProposedTier;
    var approvals = rule.ProposedApprovals > 1 ? string.Create(CultureInfo.InvariantCulture, $", {rule.ProposedApprovals} approvals") : "";
    Console.WriteLine($"  {rule.RuleId}: {rule.Condition} -> {rule.ProposedRoute.ToJsonName()}{tier}{approvals}");
}

static string Outcome(Decision decision) => decision.Route switch
{
    RouteLevel.AutoExecute => "paid automatically",
    RouteLevel.AutoExecuteWithNotice => "paid, finance notified",
    RouteLevel.Block => "blocked",
    _ => decision.RequiredApprovals > 1
        ? $"waits for {decision.RequiredApprovals} distinct {decision.RequiredTier}s (four eyes)"
        : $"waits for a {decision.RequiredTier}" + (decision.Route == RouteLevel.Escalate ? " (escalated)" : ""),
};
