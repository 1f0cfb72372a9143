using Hitl.Policy;

// 1. Tell the policy how to read signals from your own type (once, at start-up).
var schema = new SignalSchema<RefundRequest>()
    .ActionType((in RefundRequest r) => r.Action)           // "refund.issue"
    .RequestId((in RefundRequest r) => r.Id)                 // keys the deterministic audit sample
    .Confidence((in RefundRequest r) => r.ModelConfidence)   // 0..1
    .Amount((in RefundRequest r) => (double)r.Amount)
    .Reversibility((in RefundRequest r) => r.Reversibility)
    .Number("customer.chargebacks", (in RefundRequest r) => r.Chargebacks);

// 2. Compile the policy (validates everything; throws with every error listed).
var policy = PolicyCompiler.Compile(PolicyJson.Load(Path.Combine(AppContext.BaseDirectory, "refunds.json")), schema);

// 3. Route every model output before acting on it.
RefundRequest[] requests =
[
    new("r-1001", "refund.issue", 0.97, 40m, Reversibility.Reversible, 0),
    new("r-1002", "refund.issue", 0.97, 900m, Reversibility.Reversible, 0),
    new("r-1003", "refund.issue", 0.72, 40m, Reversibility.Irreversible, 4),
];
foreach (var request in requests)
{
    Decision decision = policy.Route(request);
    if (decision.MayAutoExecute)
    {
        IssueRefund(request);   // decision.IsSampledForAudit: also drawn for an audit after the fact
    }
    else
    {
        QueueForReview(request, decision);
    }
}

// Off the hot path: the full trace, for a reviewer or an auditor.
Console.WriteLine(policy.Explain(requests[2]));

static void IssueRefund(RefundRequest r) => Console.WriteLine($"{r.Id}: refunded {r.Amount} EUR automatically");

static void QueueForReview(RefundRequest r, Decision d) =>
    Console.WriteLine($"{r.Id}: {d.Route.ToJsonName()} by {d.RequiredTier}, {d.RequiredApprovals} approval(s) within {d.ReviewDeadline}, decided by {d.DecidedBy}");

/// <summary>A refund the model proposes.</summary>
internal sealed record RefundRequest(string Id, string Action, double ModelConfidence, decimal Amount, Reversibility Reversibility, int Chargebacks);
