using System.Globalization;
using Hitl.Policy;
using Hitl.Policy.Quickstart;

// The main job: route a realistic stream of model outputs through a shipped policy and show what happened.
var count = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 5000;
var policyPath = Path.Combine(AppContext.BaseDirectory, "operations.json");

var policy = PolicyCompiler.Compile(PolicyJson.Load(policyPath), ModelOutput.Schema);
Console.WriteLine($"Policy '{policy.PolicyId}' version {policy.PolicyVersion}: {policy.Description}");
Console.WriteLine($"Routing {count:N0} model outputs over {string.Join(", ", policy.ActionTypes)}");
Console.WriteLine();

var outputs = ModelOutputStream.Generate(count, seed: 2026).ToArray();
var decisions = new Decision[outputs.Length];
for (var i = 0; i < outputs.Length; i++)
{
    decisions[i] = policy.Route(outputs[i]);
}

var routes = Enum.GetValues<Route>();
Console.WriteLine($"{"action type",-18}{string.Concat(routes.Select(r => $"{r.ToJsonName(),26}"))}{"sampled",10}");
foreach (var group in decisions.GroupBy(d => d.ActionType).OrderBy(g => g.Key, StringComparer.Ordinal))
{
    var total = group.Count();
    var cells = routes.Select(r =>
    {
        var k = group.Count(d => d.Route == r);
        return $"{k,15:N0} ({100.0 * k / total,5:F1}%)";
    });
    Console.WriteLine($"{group.Key,-18}{string.Concat(cells.Select(c => $"{c,26}"))}{group.Count(d => d.IsSampledForAudit),10:N0}");
}

var escalated = decisions.Count(d => d.Route == Route.Escalate);
var needPerson = decisions.Count(d => d.RequiresHuman);
Console.WriteLine();
Console.WriteLine($"Ran on its own: {decisions.Length - needPerson:N0} ({100.0 * (decisions.Length - needPerson) / decisions.Length:F1}%)");
Console.WriteLine($"Stopped for a person: {needPerson:N0}; escalation rate {100.0 * escalated / decisions.Length:F1}%");
Console.WriteLine($"Reviews by tier: {string.Join(", ", decisions.Where(d => d.Route is Route.Review or Route.Escalate).GroupBy(d => d.ReviewerTierName).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}"))}");
Console.WriteLine($"Invalid signals (failed closed): {decisions.Count(d => (d.Flags & DecisionFlags.InvalidSignal) != 0):N0}");
Console.WriteLine($"Most frequent deciding rules: {string.Join(", ", decisions.GroupBy(d => d.DecidedBy).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Key} {g.Count():N0}"))}");

var example = Array.FindIndex(decisions, d => d.Route == Route.Escalate && d.FiredRules.Count >= 2);
if (example >= 0)
{
    Console.WriteLine();
    Console.WriteLine("Explain trace of one escalated case:");
    Console.WriteLine(policy.Explain(outputs[example]));
}
