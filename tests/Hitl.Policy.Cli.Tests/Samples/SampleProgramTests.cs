using System.Reflection;

namespace Hitl.Policy.Cli.Tests.Samples;

// The sample programs write to the console; one class keeps them from running at the same time, and the console
// collection keeps them apart from FsCheck, which reports to the console too.
[Collection(ConsoleWriters.Name)]
public class SampleProgramTests
{
    [Fact]
    public void The_financial_approvals_sample_routes_each_tier()
    {
        var output = RunSample("Hitl.Policy.Samples.FinancialApprovals");

        Assert.Contains("Policy financial-approvals 2026.11.1: reviewer tiers junior < senior < controller", output, StringComparison.Ordinal);
        Assert.Matches(@"pay-1001 .* paid automatically", output);
        Assert.Matches(@"pay-1002 .* waits for a junior", output);
        Assert.Matches(@"pay-1003 .* waits for a senior", output);
        Assert.Matches(@"pay-1004 .* waits for 2 distinct seniors \(four eyes\)", output);
        Assert.Matches(@"pay-1005 .* waits for a controller \(escalated\)\s+payment\.bank-details-changed", output);
        Assert.Matches(@"pay-1006 .* blocked\s+payment\.likely-duplicate", output);
        Assert.Contains("payment.four-eyes: amount >= 50000 -> review, tier senior, 2 approvals", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_tool_gate_sample_runs_waits_and_refuses()
    {
        var output = RunSample("Hitl.Policy.Samples.AgentToolGate");

        Assert.Matches(@"step 1\s+search_tickets\s+RUN\s", output);
        Assert.Matches(@"step 3\s+update_ticket\s+RUN, operator notified", output);
        Assert.Matches(@"step 4\s+restart_service\s+WAIT for an operator, within 10 min or blocked", output);
        Assert.Matches(@"step 5\s+drop_table\s+WAIT for 2 owners", output);
        Assert.Matches(@"step 7\s+grant_self_permission\s+NEVER RUN", output);
        Assert.Contains("[FIRE] tool.destructive (BusinessRule)", output, StringComparison.Ordinal);
    }

    private static string RunSample(string assemblyName)
    {
        var entry = Assembly.Load(assemblyName).EntryPoint!;
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        return output.ToString();
    }
}
