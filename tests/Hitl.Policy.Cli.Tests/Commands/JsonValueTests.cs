using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.8: JSON output carries values as JSON values: numbers as numbers, booleans as booleans, null as
/// null, text without quotes inside. Every command with JSON output is checked.
/// </summary>
public class JsonValueTests
{
    private const string Policy = """
        { "id": "values", "version": "2026.12.1", "tiers": ["agent"],
          "fields": {
            "customer.isNew": { "type": "flag", "default": false },
            "customer.segment": { "type": "text" },
            "order.items": { "type": "number", "min": 0 }
          },
          "defaults": { "route": "auto-execute",
            "confidenceBands": [
              { "id": "high", "min": 0.9, "max": 1.0, "route": "auto-execute" },
              { "id": "low", "min": 0.0, "max": 0.9, "route": "review" } ] },
          "actions": { "order.ship": { "rules": [
            { "id": "new", "when": { "field": "customer.isNew", "eq": true }, "then": { "route": "review" } },
            { "id": "segment", "when": { "field": "customer.segment", "eq": "vip" }, "then": { "route": "review" } },
            { "id": "items", "when": { "field": "order.items", "gt": 10 }, "then": { "route": "review" } } ] } } }
        """;

    /// <summary>No string in the document stands for another JSON value: no quotes inside, no "true", "null" or "0.97".</summary>
    internal static void AssertValuesAreJsonValues(JsonElement element, string where = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    AssertValuesAreJsonValues(property.Value, where + "." + property.Name);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    AssertValuesAreJsonValues(item, where + "[" + i++ + "]");
                }

                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                Assert.False(text.Length > 1 && text.StartsWith('"') && text.EndsWith('"'), $"{where} is text with quotes inside: {text}");
                Assert.False(text is "true" or "false" or "null" or "(missing)", $"{where} is the text {text}");
                Assert.False(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n), $"{where} is a number as text: {text}");
                break;
        }
    }

    [Fact]
    public void Explain_gives_signal_and_input_values_as_json_values()
    {
        using var folder = new TempFolder();
        var policy = folder.Write("values.json", Policy);

        var result = Cli.Run("explain", "--policy", policy, "--format", "json", "--case",
            """{ "action": "order.ship", "confidence": 0.97, "fields": { "order.items": "NaN" } }""");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var root = JsonDocument.Parse(result.Out).RootElement;
        var signals = root.GetProperty("signals");
        Assert.Equal("order.ship", signals.GetProperty("action").GetString());
        Assert.Equal(0.97, signals.GetProperty("confidence").GetDouble());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("signalNotes").ValueKind);
        var inputs = root.GetProperty("rules").EnumerateArray()
            .Where(r => r.GetProperty("inputs").GetArrayLength() > 0)
            .ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("inputs")[0]);
        Assert.Equal(JsonValueKind.False, inputs["new"].GetProperty("value").ValueKind);
        Assert.True(inputs["new"].GetProperty("default").GetBoolean());
        Assert.Equal(JsonValueKind.Null, inputs["segment"].GetProperty("value").ValueKind);
        Assert.False(inputs["segment"].GetProperty("default").GetBoolean());
        Assert.Equal("NaN", inputs["items"].GetProperty("value").GetString());
        Assert.Equal(0.97, inputs["high"].GetProperty("value").GetDouble());
        AssertValuesAreJsonValues(root);
    }

    [Fact]
    public void Explain_gives_text_without_its_quotes_and_a_computed_risk_with_its_note()
    {
        var result = Cli.Run("explain", "--policy", Cli.Operations, "--format", "json", "--case",
            """{ "action": "loan.approve", "confidence": 0.97, "evidence": 0.9, "amount": 5000, "category": "say \"hi\"", "fields": { "applicant.debtRatio": 0.2, "fraud.signal": 0.1, "history.disputes": 0, "customer.segment": "retail", "customer.isNew": false } }""");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(JsonValueKind.Number, root.GetProperty("signals").GetProperty("risk").ValueKind);
        Assert.Equal("computed from factors", root.GetProperty("signalNotes").GetProperty("risk").GetString());
        Assert.Equal(JsonValueKind.True, root.GetProperty("signals").GetProperty("vulnerable").ValueKind);
        var segment = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "loan.new-business")
            .GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("signal").GetString() == "customer.segment");
        Assert.Equal("retail", segment.GetProperty("value").GetString());
        AssertValuesAreJsonValues(root);
    }

    [Fact]
    public void Validate_gives_the_offending_values_as_json_values()
    {
        using var folder = new TempFolder();
        var path = folder.Write("p.json", """{ "version": "2026.12.1", "tiers": ["agent"], "defaults": { "route": "review", "samplingRate": 0.5, "review": { "tier": "boss" } }, "colour": [] }""");

        var result = Cli.Run("validate", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var errors = JsonDocument.Parse(result.Out).RootElement.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("value"));
        Assert.Equal(0.5, errors["$.defaults.samplingRate"].GetDouble());
        Assert.Equal(JsonValueKind.Array, errors["$.colour"].ValueKind);
        Assert.Equal(JsonValueKind.Null, errors["$.id"].ValueKind);
        Assert.Equal("boss", errors["$.defaults.review.tier"].GetString());
        AssertValuesAreJsonValues(JsonDocument.Parse(result.Out).RootElement);
    }

    [Fact]
    public void Test_gives_the_expectation_as_an_object_with_the_keys_of_the_test_file()
    {
        using var folder = new TempFolder();
        var tests = folder.Write("TESTS.json", """
            { "tests": [ { "name": "shell", "killSwitch": { "actions": ["agent.tool-call"] },
              "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.99, "risk": 0.1, "evidence": 0.9, "reversibility": "reversible", "fields": { "tool.name": "shell", "tool.touchesProduction": false } },
              "expect": { "routeAtLeast": "escalate", "tier": null, "approvals": 1, "flagsExactly": [] } } ] }
            """);

        var result = Cli.Run("test", Cli.Operations, tests, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var test = JsonDocument.Parse(result.Out).RootElement.GetProperty("results")[0];
        var expected = test.GetProperty("expected");
        Assert.Equal(["routeAtLeast", "tier", "approvals", "flagsExactly"], expected.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, expected.GetProperty("tier").ValueKind);
        Assert.Equal(1, expected.GetProperty("approvals").GetInt32());
        Assert.Equal(0, expected.GetProperty("flagsExactly").GetArrayLength());
        Assert.Equal("agent.tool-call", test.GetProperty("killSwitch").GetProperty("actions")[0].GetString());
        AssertValuesAreJsonValues(JsonDocument.Parse(result.Out).RootElement);
    }

    [Fact]
    public void Route_shadow_and_the_audit_commands_give_json_values()
    {
        using var folder = new TempFolder();
        var trail = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var cases = folder.Write("cases.jsonl", File.ReadAllText(Cli.Data("operations.cases.jsonl")));
        var candidate = folder.Write("candidate.json", File.ReadAllText(Cli.Operations).Replace("\"version\": \"2026.11.1\"", "\"version\": \"2026.12.1\"", StringComparison.Ordinal));

        var route = Cli.Run("route", "--policy", Cli.Operations, "--cases", cases);
        foreach (var line in route.OutLines)
        {
            AssertValuesAreJsonValues(JsonDocument.Parse(line).RootElement);
        }

        foreach (string[] args in (string[][])[
            ["audit", "verify", trail, "--format", "json"],
            ["audit", "stats", trail, "--format", "json"],
            ["shadow", "--active", Cli.Operations, "--candidate", candidate, "--cases", cases, "--audit", trail, "--format", "json"],
            ["calibrate", "--audit", trail, "--policy", Cli.Operations, "--format", "json"],
        ])
        {
            var result = Cli.Run(args);
            Assert.True(result.Exit is ExitCodes.Ok or ExitCodes.Failed, result.ToString());
            AssertValuesAreJsonValues(JsonDocument.Parse(result.Out).RootElement, args[0] + " " + args[1]);
        }
    }
}
