using System.Text.Json;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Cli.Tests.Commands;

public class RouteCommandTests
{
    private static readonly string Cases = Cli.Data("operations.cases.jsonl");

    [Fact]
    public void Each_case_line_gets_one_json_line_and_bad_lines_name_their_number()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", Cases);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var lines = result.OutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([1, 2, 3, 5, 6, 7, 8], lines.Select(l => l.GetProperty("line").GetInt32()));
        var errors = lines.Where(l => l.TryGetProperty("error", out _)).ToDictionary(l => l.GetProperty("line").GetInt32(), l => l.GetProperty("error").GetString());
        Assert.Equal([3, 6, 7], errors.Keys);
        Assert.Equal("confidence: expected a number; got the string \"high\" (the only strings read as numbers are \"NaN\", \"Infinity\" and \"-Infinity\")", errors[3]);
        Assert.Equal("fields['tool.name']: expected a string (the policy declares it text); got the number 3", errors[6]);
        Assert.StartsWith("not valid JSON:", errors[7], StringComparison.Ordinal);
        Assert.Contains($"error: {Cases} line 3: confidence", result.Error, StringComparison.Ordinal);
        Assert.Contains("4 cases routed", result.Error, StringComparison.Ordinal);
        Assert.Contains("3 lines failed (lines 3, 6, 7)", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("samples/Hitl.Policy.Samples.FinancialApprovals/financial-approvals.json", "samples/Hitl.Policy.Samples.FinancialApprovals/cases.jsonl", 8, "8 cases routed from {0}: 1 auto-execute, 1 auto-execute-with-notice, 4 review, 1 escalate, 1 block.")]
    [InlineData("samples/Hitl.Policy.Samples.AgentToolGate/agent-tool-gate.json", "samples/Hitl.Policy.Samples.AgentToolGate/cases.jsonl", 7, "7 cases routed from {0}: 2 auto-execute, 1 auto-execute-with-notice, 2 review, 1 escalate, 1 block.")]
    public void The_samples_cases_all_route(string policy, string cases, int count, string summary)
    {
        var result = Cli.Run("route", "--policy", Cli.Repo(policy), "--cases", Cli.Repo(cases));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal(count, result.OutLines.Length);
        Assert.All(result.OutLines, l => Assert.True(JsonDocument.Parse(l).RootElement.TryGetProperty("route", out _), l));
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, summary, Cli.Repo(cases)), result.Error.Trim());
    }

    [Fact]
    public void A_decision_line_carries_route_tier_approvals_deadline_rules_and_flags()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", Cases);

        var tool = result.OutLines.Select(l => JsonDocument.Parse(l).RootElement).Single(l => l.GetProperty("line").GetInt32() == 5);
        Assert.Equal("t-1", tool.GetProperty("requestId").GetString());
        Assert.Equal("agent.tool-call", tool.GetProperty("action").GetString());
        Assert.Equal("escalate", tool.GetProperty("route").GetString());
        Assert.Equal("director", tool.GetProperty("tier").GetString());
        Assert.Equal(2, tool.GetProperty("approvals").GetInt32());
        Assert.Equal("PT30M", tool.GetProperty("deadline").GetString());
        Assert.Equal("block", tool.GetProperty("onTimeout").GetString());
        Assert.Equal("tool.dangerous", tool.GetProperty("decidedBy").GetString());
        Assert.Contains("tool.dangerous", tool.GetProperty("rulesFired").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Array, tool.GetProperty("flags").ValueKind);
        Assert.Equal(JsonValueKind.Null, tool.GetProperty("invalidSignal").ValueKind);
        Assert.Equal("operations", tool.GetProperty("policy").GetString());
        Assert.Equal("2026.11.1", tool.GetProperty("policyVersion").GetString());
    }

    [Fact]
    public void The_decisions_are_the_librarys_decisions()
    {
        var definition = PolicyJson.Load(Cli.Operations);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var schema = new CaseSchema(definition);

        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", Cases);

        var routed = result.OutLines.Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.TryGetProperty("route", out _)).ToList();
        Assert.Equal(4, routed.Count);
        var source = File.ReadAllLines(Cases);
        foreach (var line in routed)
        {
            var decision = policy.Route(CaseReader.Parse(source[line.GetProperty("line").GetInt32() - 1], schema));
            Assert.Equal(decision.Route.ToJsonName(), line.GetProperty("route").GetString());
            Assert.Equal(decision.RequiredTier, line.GetProperty("tier").GetString());
            Assert.Equal(decision.RequiredApprovals, line.GetProperty("approvals").GetInt32());
            Assert.Equal(decision.DecidedBy, line.GetProperty("decidedBy").GetString());
            Assert.Equal(decision.FiredRules.ToArray(), line.GetProperty("rulesFired").EnumerateArray().Select(e => e.GetString()!).ToArray());
        }
    }

    [Fact]
    public void Fail_closed_signals_show_in_flags_and_invalid_signal()
    {
        var result = Cli.RunWithInput(
            "{\"action\":\"refund.issue\",\"confidence\":0.97,\"amount\":10,\"reversibility\":\"reversible\",\"fields\":{\"customer.chargebacks\":0}}\n",
            "route", "--policy", Cli.Operations, "--cases", "-");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        var line = JsonDocument.Parse(result.OutLines.Single()).RootElement;
        Assert.Equal("review", line.GetProperty("route").GetString());
        Assert.Contains("invalid-signal", line.GetProperty("flags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("evidence", line.GetProperty("invalidSignal").GetString());
    }

    [Fact]
    public void A_clean_file_exits_zero()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("good.jsonl", string.Join('\n', File.ReadAllLines(Cases).Where((_, i) => i is 0 or 1 or 4)) + "\n\n");

        var result = Cli.Run("route", "-p", Cli.Operations, "-c", cases);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal(3, result.OutLines.Length);
        Assert.Contains("3 cases routed", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Standard_input_is_read_with_a_dash()
    {
        var input = string.Join('\n', File.ReadAllLines(Cases).Take(2));

        var result = Cli.RunWithInput(input, "route", "--policy", Cli.Operations, "--cases", "-");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(2, result.OutLines.Length);
        Assert.Contains("2 cases routed from standard input:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_format_aligns_decisions_and_errors_for_people()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", Cases, "--format", "table");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var lines = result.OutLines;
        Assert.StartsWith("LINE  REQUEST  ACTION", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^5\s+t-1\s+agent\.tool-call\s+escalate\s+tier director, 2 approvals, deadline PT30M then block; by tool\.dangerous$", lines.Single(l => l.StartsWith("5 ", StringComparison.Ordinal)));
        Assert.Matches(@"^3\s+error\s+confidence: expected a number", lines.Single(l => l.StartsWith("3 ", StringComparison.Ordinal)));
        Assert.Contains("3 lines failed (lines 3, 6, 7).", lines[^1], StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void A_host_field_the_policy_does_not_declare_is_named_with_the_declared_ones()
    {
        var result = Cli.RunWithInput("{\"action\":\"agent.tool-call\",\"fields\":{\"tool.nme\":\"shell\"}}", "route", "-p", Cli.AgentPolicy, "-c", "-");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var error = JsonDocument.Parse(result.OutLines.Single()).RootElement.GetProperty("error").GetString();
        Assert.Equal("fields['tool.nme']: the policy declares no field 'tool.nme' (did you mean 'tool.name'?); it declares agent.step, tool.access, tool.externalRecipients, tool.name, tool.touchesProduction", error);
    }

    [Fact]
    public void A_missing_cases_file_is_a_usage_error()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", "nowhere.jsonl");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The cases file 'nowhere.jsonl' does not exist", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_policy_that_does_not_compile_stops_the_run_with_every_error()
    {
        using var folder = new TempFolder();
        var policy = folder.Write("bad.json", "{ \"id\": \"p\", \"version\": \"1\", \"onInvalidSignal\": \"auto-execute\", \"onUnknownAction\": \"auto-execute\" }");

        var result = Cli.Run("route", "--policy", policy, "--cases", Cases);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The policy file '{policy}' does not compile (2 errors):", result.Error, StringComparison.Ordinal);
        Assert.Contains("$.onInvalidSignal", result.Error, StringComparison.Ordinal);
        Assert.Contains("$.onUnknownAction", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_policy_that_is_not_json_stops_the_run()
    {
        using var folder = new TempFolder();
        var policy = folder.Write("bad.json", "{ \"id\": ");

        var result = Cli.Run("route", "--policy", policy, "--cases", Cases);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("[MalformedJson]", result.Error, StringComparison.Ordinal);
    }
}
