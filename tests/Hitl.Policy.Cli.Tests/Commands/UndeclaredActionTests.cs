using System.Text.Json;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.3: a case whose action type the policy does not declare is shown by its own name. The decision names
/// the policy's fallback plan, <c>*</c>, which the author never wrote.
/// </summary>
public class UndeclaredActionTests
{
    private const string Invoice = """{"action":"invoice.void","requestId":"i-1","sensitive":false,"vulnerable":false,"confidence":0.99,"evidence":0.9,"reversibility":"reversible"}""";

    [Fact]
    public void Route_json_and_table_name_the_cases_action_type()
    {
        var json = Cli.RunWithInput(Invoice + "\n", "route", "--policy", Cli.Operations, "--cases", "-");
        var table = Cli.RunWithInput(Invoice + "\n", "route", "--policy", Cli.Operations, "--cases", "-", "--format", "table");

        Assert.Equal("invoice.void", JsonDocument.Parse(json.OutLines.Single()).RootElement.GetProperty("action").GetString());
        Assert.Contains("unknown-action-type", json.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n1\s+i-1\s+invoice\.void\s+review", table.Out.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("*", json.Out + table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_names_it_in_the_steps_in_text_and_json()
    {
        var text = Cli.Run("explain", "--policy", Cli.Operations, "--case", Invoice);
        var json = Cli.Run("explain", "--policy", Cli.Operations, "--case", Invoice, "--format", "json");

        Assert.True(text.Exit == ExitCodes.Ok, text.ToString());
        Assert.Contains("  action type 'invoice.void' is not declared: the defaults applied, and the route is at least review", text.Out, StringComparison.Ordinal);
        Assert.Contains("[unknown-action-type]", text.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("'*'", text.Out, StringComparison.Ordinal);
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("invoice.void", root.GetProperty("decision").GetProperty("action").GetString());
        Assert.Contains(root.GetProperty("steps").EnumerateArray(), s => s.GetString()!.StartsWith("action type 'invoice.void' is not declared", StringComparison.Ordinal));
        Assert.DoesNotContain("'*'", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_report_names_it_in_the_decision_and_in_the_hint_about_a_rule()
    {
        using var folder = new TempFolder();
        var tests = folder.Write("TESTS.json", $$"""{ "tests": [ { "name": "void", "case": {{Invoice}}, "expect": { "route": "review", "fired": ["invoice.rule"] } } ] }""");

        var text = Cli.Run("test", Cli.Operations, tests);
        var json = Cli.Run("test", Cli.Operations, tests, "--format", "json");

        Assert.Contains("fired: expected invoice.rule to fire; it did not (the policy has no rule 'invoice.rule' for the undeclared action type 'invoice.void')", text.Out, StringComparison.Ordinal);
        var actual = JsonDocument.Parse(json.Out).RootElement.GetProperty("results")[0].GetProperty("actual");
        Assert.Equal("invoice.void", actual.GetProperty("action").GetString());
    }

    [Fact]
    public void Shadow_names_it_in_the_table_of_differing_cases()
    {
        using var folder = new TempFolder();
        var candidate = folder.Write("candidate.json", File.ReadAllText(Cli.Operations)
            .Replace("\"onUnknownAction\": \"review\"", "\"onUnknownAction\": \"escalate\"", StringComparison.Ordinal)
            .Replace("\"version\": \"2026.11.1\"", "\"version\": \"2026.12.1\"", StringComparison.Ordinal));
        var cases = folder.Write("cases.jsonl", Invoice + "\n");

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", candidate, "--cases", cases);

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Matches(@"\n1\s+i-1\s+invoice\.void\s+stricter", result.Out.ReplaceLineEndings("\n"));
    }
}
