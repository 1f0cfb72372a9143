using System.Text.Json;

namespace Hitl.Policy.Cli.Tests.Commands;

public class ExplainCommandTests
{
    private const string DropTable =
        "{\"action\":\"agent.tool-call\",\"confidence\":0.99,\"risk\":0.1,\"evidence\":0.9,\"reversibility\":\"reversible\"," +
        "\"fields\":{\"tool.name\":\"drop_table\",\"tool.touchesProduction\":true}}";

    [Fact]
    public void The_trace_names_the_decision_the_reason_and_every_rule()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", DropTable);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.StartsWith("Policy operations 2026.11.1, action agent.tool-call", result.Out, StringComparison.Ordinal);
        Assert.Contains("Decision: escalate (tier director, 2 approvals", result.Out, StringComparison.Ordinal);
        Assert.Contains("Why: escalate: rule 'tool.dangerous'", result.Out, StringComparison.Ordinal);
        Assert.Contains("[FIRE] tool.dangerous (BusinessRule)", result.Out, StringComparison.Ordinal);
        Assert.Contains("[    ] tool.shell (BusinessRule)", result.Out, StringComparison.Ordinal);
        Assert.Contains("read tool.name=\"drop_table\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_case_can_come_from_a_file()
    {
        using var folder = new TempFolder();
        var file = folder.Write("case.json", "{\n  \"action\": \"payment.release\",\n  \"confidence\": 0.97,\n  \"amount\": 75000,\n  \"reversibility\": \"costly-to-reverse\",\n  \"fields\": { \"vendor.isNew\": false, \"vendor.bankChanged\": false, \"invoice.duplicateScore\": 0 }\n}\n");

        var result = Cli.Run("explain", "-p", Cli.FinancialPolicy, "-c", "@" + file);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("Decision: review (tier senior, 2 approvals", result.Out, StringComparison.Ordinal);
        Assert.Contains("[FIRE] payment.four-eyes (ImpactTier): amount >= 50000 -> review, tier senior, 2 approvals", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_case_can_come_from_standard_input()
    {
        var result = Cli.RunWithInput(DropTable, "explain", "--policy", Cli.Operations, "--case", "-");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("Decision: escalate (tier director, 2 approvals", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_format_gives_the_decision_and_each_rule_with_its_inputs()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", DropTable, "--format", "json");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("escalate", root.GetProperty("decision").GetProperty("route").GetString());
        Assert.StartsWith("escalate:", root.GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal("auto-execute-with-notice", root.GetProperty("defaultRoute").GetString());
        var dangerous = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "tool.dangerous");
        Assert.True(dangerous.GetProperty("fired").GetBoolean());
        Assert.Equal("director", dangerous.GetProperty("proposedTier").GetString());
        Assert.Equal(2, dangerous.GetProperty("proposedApprovals").GetInt32());
        var input = dangerous.GetProperty("inputs").EnumerateArray().Single();
        Assert.Equal("tool.name", input.GetProperty("signal").GetString());
    }

    [Fact]
    public void A_case_that_cannot_be_read_says_which_value_and_why()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", "{\"action\":\"loan.approve\",\"reversibility\":\"maybe\"}");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The case given with --case cannot be read: reversibility: expected one of \"reversible\", \"costly-to-reverse\", \"irreversible\"; got the string \"maybe\"", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_case_that_is_not_json_names_the_column()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", "{action: loan.approve}");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("cannot be read: not valid JSON:", result.Error, StringComparison.Ordinal);
        Assert.Contains("(column ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_case_file_is_named()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--case", "@no-such-case.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The case file 'no-such-case.json' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_policy_file_is_named()
    {
        var result = Cli.Run("explain", "--policy", "missing.json", "--case", DropTable);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The policy file 'missing.json' does not exist", result.Error, StringComparison.Ordinal);
    }
}
