// An agent tool-call gate: before the agent runtime runs a tool call, the policy in agent-tool-gate.json decides whether it runs,
// runs with a notice to a person, waits for an operator or two owners, or never runs.
using Hitl.Policy;
using Hitl.Policy.Samples.AgentToolGate;

var definition = PolicyJson.Load(Path.Combine(AppContext.BaseDirectory, "agent-tool-gate.json"));
var gate = PolicyCompiler.Compile(definition, ToolCall.Schema);

// The plan an agent produced for "the orders service is slow; fix it and tell the customer".
ToolCall[] plan =
[
    new(1, "search_tickets", "read", 0.97, Reversibility.Reversible),
    new(2, "read_logs", "read", 0.95, Reversibility.Reversible, TouchesProduction: true),
    new(3, "update_ticket", "write", 0.93, Reversibility.Reversible),
    new(4, "restart_service", "write", 0.91, Reversibility.Reversible, TouchesProduction: true),
    new(5, "drop_table", "admin", 0.88, Reversibility.Irreversible, TouchesProduction: true),
    new(6, "send_email", "write", 0.90, Reversibility.Irreversible, ExternalRecipients: 1),
    new(7, "grant_self_permission", "admin", 0.99, Reversibility.Reversible, TouchesProduction: true),
    new(8, "create_invoice", "write", 0.72, Reversibility.CostlyToReverse),
];

Console.WriteLine($"Gate {gate.PolicyId} {gate.PolicyVersion}");
Console.WriteLine();
foreach (var call in plan)
{
    var decision = gate.Route(call);
    Console.WriteLine($"step {call.Step}  {call.Tool,-22} {Verdict(decision),-44} ({decision.DecidedBy})");
}

Console.WriteLine();
Console.WriteLine("The full trace of step 5:");
Console.Write(gate.Explain(plan[4]).ToString());

static string Verdict(Decision decision) => decision.Route switch
{
    RouteLevel.AutoExecute => "RUN",
    RouteLevel.AutoExecuteWithNotice => "RUN, operator notified",
    RouteLevel.Block => "NEVER RUN",
    _ => $"WAIT for {(decision.RequiredApprovals > 1 ? decision.RequiredApprovals + " " + decision.RequiredTier + "s" : "an " + decision.RequiredTier)}" +
         (decision.ReviewDeadline is { } d ? $", within {d.TotalMinutes:0} min or blocked" : ""),
};
