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

    [Fact]
    public void The_agent_tools_sample_gates_each_call_on_its_arguments()
    {
        using var folder = new TempFolder();
        var output = RunSample("Hitl.Policy.Samples.AgentTools", folder.Path);

        Assert.Matches(@"model\s+calls lookup_order, restart_service, delete_account", output);
        Assert.Matches(@"tool\s+lookup_order ran: A-1001", output);
        Assert.Matches(@"inbox\s+restart_service waits for review: tier support, 1 approval, within 10 min\s+jules\s+approves restart_service \(runbook-step\)\s+tool\s+restart_service ran: billing service restarted in production", output);
        Assert.DoesNotContain("delete_account ran", output, StringComparison.Ordinal);
        Assert.Matches(@"model\s+reads for delete_account: The call of 'delete_account' was not run: the policy does not allow\s+'account.delete' calls", output);
        Assert.Matches(@"agent\s+.*I\s+could\s+not\s+delete\s+your\s+account:\s+the\s+policy\s+does\s+not\s+allow\s+it\s+\(policy-block\)", output);
        Assert.Matches(@"tool\s+issue_refund ran: 40\.00 EUR refunded for A-1001", output);

        Assert.Matches(@"lookup_order\s+call-1\s+auto-execute\s+ran\r?\n", output);
        Assert.Matches(@"restart_service\s+call-2\s+review\s+waited, then ran \(approved by jules\)", output);
        Assert.Matches(@"delete_account\s+call-3\s+block\s+refused: policy-block", output);
        Assert.Matches(@"issue_refund\s+call-4\s+auto-execute\s+ran\r?\n", output);
        Assert.Contains("issue_refund routes on its amount: 40 -> auto-execute, 400 -> review (1 support), 4000 -> escalate (2 managers)", output, StringComparison.Ordinal);
        Assert.Contains("conversation support-7: 8 of 8 records carry it and their tool-call id", output, StringComparison.Ordinal);
        Assert.Contains("audit chain verified: 8 records", output, StringComparison.Ordinal);
    }

    private static string RunSample(string assemblyName, params string[] args)
    {
        var entry = Assembly.Load(assemblyName).EntryPoint!;
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [args]);
        }
        finally
        {
            Console.SetOut(previous);
        }

        return output.ToString();
    }
}
