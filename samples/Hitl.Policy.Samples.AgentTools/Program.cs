// A support agent's tool calls, gated by agent-tools.json on their actual arguments: a read runs, a restart in
// production waits for a reviewer (jules approves it while the call waits), deleting an account never runs and the
// refusal goes back to the model, and a small refund runs. Cases and trail are in SQLite; the chain is verified at the end.
using Hitl.Policy;
using Hitl.Policy.AI;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.AgentTools;
using Hitl.Policy.Sqlite;
using Microsoft.Extensions.AI;

var log = Console.Out;
var signals = SupportTools.Signals();
var policy = signals.Compile(PolicyJson.Load(Path.Combine(AppContext.BaseDirectory, "agent-tools.json")));

// A fresh database each run, in the folder given or the temp folder: the cases and their audit trail in one file.
var folder = Directory.CreateDirectory(args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "hitl-samples-agent-tools")).FullName;
var database = Path.Combine(folder, "agent-tools.db");
foreach (var file in new[] { database, database + "-wal", database + "-shm" })
{
    File.Delete(file);
}

await using var store = SqliteCaseStore.Open("Data Source=" + database);
var queue = new InMemoryReviewSink();
using var gate = new ReviewGateBuilder<ToolCall>(policy)
    .UseCaseStore(store)
    .AddReviewSink(queue)
    .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("jules", "support", "reviewer")))
    .UseTimeProvider(TimeProvider.System)
    .Build();

// Every tool goes through the gate; a call that waits gives up after 30 s (the case stays open for its reviewers).
var tools = new ToolGate(gate, signals, new ToolGateOptions { MaxWait = TimeSpan.FromSeconds(30) });
var options = new ChatOptions { ConversationId = "support-7", Tools = tools.Wrap(new SupportTools(log).Functions()) };
using var agent = new ChatClientBuilder(new ScriptedSupportModel(log)).UseFunctionInvocation().Build();

log.WriteLine($"Policy {policy.PolicyId} {policy.PolicyVersion}: {options.Tools.Count} tools gated by their arguments");
log.WriteLine($"Cases and audit trail: {database}");
List<ChatMessage> conversation = [];
await using (ReviewerDesk.Open(gate, queue, "jules", log))
{
    foreach (var turn in ScriptedSupportModel.Script)
    {
        log.WriteLine();
        Lines.Write(log, "customer", turn.Customer);
        conversation.Add(new ChatMessage(ChatRole.User, turn.Customer));
        var response = await agent.GetResponseAsync(conversation, options);
        conversation.AddMessages(response);
        Lines.Write(log, "agent", response.Messages[^1].Text);
    }
}

// What happened to each call, from the model's side (the function results) and the gate's (the trail).
List<AuditRecord> trail = [];
await foreach (var record in store.Audit.ReadAsync())
{
    trail.Add(record);
}

var contents = conversation.SelectMany(m => m.Contents).ToList();
var results = contents.OfType<FunctionResultContent>().ToDictionary(r => r.CallId, StringComparer.Ordinal);
log.WriteLine();
log.WriteLine($"{"tool",-16} {"call id",-8} {"route",-13} what happened");
foreach (var call in contents.OfType<FunctionCallContent>())
{
    var records = trail.Where(r => r.Entry.Correlation?.GetValueOrDefault(CaseCorrelation.ToolCallId) == call.CallId).ToList();
    var route = records.Find(r => r.Entry.Act == ActKind.Decided)?.Entry.Route?.ToJsonName() ?? "-";
    var approvers = records.Where(r => r.Entry.Act == ActKind.Approved).Select(r => r.Entry.Actor).ToList();
    var ran = records.Exists(r => r.Entry.Act == ActKind.Executed);
    var happened = ToolCallRefusal.TryRead(results.GetValueOrDefault(call.CallId)?.Result, out var refusal) ? $"refused: {refusal.ReasonCode}"
        : !ran ? "no execution on record"
        : approvers.Count > 0 ? $"waited, then ran (approved by {string.Join(", ", approvers)})"
        : "ran";
    log.WriteLine($"{call.Name,-16} {call.CallId,-8} {route,-13} {happened}");
}

// The same tool, routed on its arguments: what the policy would do with larger refunds (read, routed, nothing run).
var refund = options.Tools.OfType<GatedAIFunction>().Single(t => t.Name == "issue_refund");
int[] amounts = [40, 400, 4000];
var byAmount = amounts.Select(amount =>
{
    var decision = policy.Route(refund.Read(new Dictionary<string, object?> { ["orderId"] = "A-1001", ["amount"] = amount, ["reason"] = "arrived broken" }));
    var who = decision.Route is RouteLevel.Review or RouteLevel.Escalate
        ? $" ({decision.RequiredApprovals} {decision.RequiredTier}{(decision.RequiredApprovals > 1 ? "s" : "")})"
        : "";
    return $"{amount} -> {decision.Route.ToJsonName()}{who}";
});
log.WriteLine();
log.WriteLine($"issue_refund routes on its amount: {string.Join(", ", byAmount)}");

var correlated = trail.Count(r => r.Entry.Correlation is { } c
    && c.GetValueOrDefault(CaseCorrelation.ConversationId) == options.ConversationId && c.ContainsKey(CaseCorrelation.ToolCallId));
log.WriteLine($"conversation {options.ConversationId}: {correlated} of {trail.Count} records carry it and their tool-call id");
var check = await store.Audit.VerifyAsync();
log.WriteLine(check.IsIntact
    ? $"audit chain verified: {check.RecordCount} records"
    : $"audit chain BROKEN at record {check.FirstBrokenSequence}: {check.Problem}");
return check.IsIntact ? 0 : 1;
