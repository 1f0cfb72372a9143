using Hitl.Policy.Cli.Cases;

namespace Hitl.Policy.Cli.Tests.Commands;

public class TestCommandTests
{
    public static TheoryData<string, string, int> ShippedTests => new()
    {
        { "samples/Hitl.Policy.Samples.FinancialApprovals/financial-approvals.json", "samples/Hitl.Policy.Samples.FinancialApprovals/TESTS.json", 14 },
        { "samples/Hitl.Policy.Samples.AgentToolGate/agent-tool-gate.json", "samples/Hitl.Policy.Samples.AgentToolGate/TESTS.json", 14 },
    };

    [Theory]
    [MemberData(nameof(ShippedTests))]
    public void Each_samples_test_file_passes(string policy, string tests, int count)
    {
        var result = Cli.Run("test", Cli.Repo(policy), Cli.Repo(tests));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal(count, result.OutLines.Count(l => l.StartsWith("PASS", StringComparison.Ordinal)));
        Assert.Contains($"OK: {count} passed, 0 failed, 0 could not run ({count} tests).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operations_policy_passes_its_tests()
    {
        var result = Cli.Run("test", Cli.Operations, Cli.Data("operations.tests.json"));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains("OK: 8 passed", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_expectation_fails_with_a_readable_diff()
    {
        using var folder = new TempFolder();
        // The shipped four-eyes test, with the tier and approvals a careless author might have written.
        var tests = File.ReadAllText(Cli.FinancialTests).Replace(
            "\"expect\": { \"route\": \"review\", \"tier\": \"senior\", \"approvals\": 2, \"fired\": [\"payment.four-eyes\"] }",
            "\"expect\": { \"route\": \"review\", \"tier\": \"controller\", \"approvals\": 1, \"fired\": [\"payment.four-eyes\"] }",
            StringComparison.Ordinal);
        var path = folder.Write("TESTS.json", tests);

        var result = Cli.Run("test", Cli.FinancialPolicy, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var line = File.ReadAllLines(path).ToList().FindIndex(l => l.Contains("from 50,000 two seniors", StringComparison.Ordinal));
        var trace = Explain(Cli.FinancialPolicy, """
            { "action": "payment.release", "confidence": 0.97, "amount": 75000, "reversibility": "costly-to-reverse",
              "fields": { "vendor.isNew": false, "vendor.bankChanged": false, "invoice.duplicateScore": 0.02 } }
            """);
        var expected = string.Join('\n',
            $"  FAIL  from 50,000 two seniors approve (four eyes) ({path} line {line})",
            "          expected  review, tier controller, 1 approval; fires payment.four-eyes",
            $"          actual    review, tier senior, 2 approvals, deadline P1D then escalate; decided by {trace.Decision.DecidedBy}",
            "          mismatch  tier: expected controller, got senior",
            "                    approvals: expected 1, got 2",
            $"          why       {trace.Why}",
            "          fired     confidence.high, payment.junior, payment.senior, payment.four-eyes");
        Assert.Contains(expected, result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("FAILED: 13 passed, 1 failed, 0 could not run (14 tests).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_format_reports_each_result_with_the_actual_decision()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """
            { "tests": [
              { "name": "drop table", "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.99, "risk": 0.1, "evidence": 0.9, "reversibility": "reversible", "fields": { "tool.name": "drop_table", "tool.touchesProduction": false } },
                "expect": { "route": "escalate", "tier": "director", "approvals": 2 } },
              { "name": "shell is not automatic", "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.99, "risk": 0.1, "evidence": 0.9, "reversibility": "reversible", "fields": { "tool.name": "shell", "tool.touchesProduction": false } },
                "expect": { "route": "auto-execute" } },
              { "name": "broken", "case": { "action": 1 }, "expect": { "route": "review" } }
            ] }
            """);

        var result = Cli.Run("test", Cli.Operations, path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("operations", root.GetProperty("policy").GetString());
        Assert.Equal(1, root.GetProperty("passed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(1, root.GetProperty("couldNotRun").GetInt32());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["pass", "fail", "error"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([2, 4, 6], results.Select(r => r.GetProperty("line").GetInt32()));
        Assert.Equal("review", results[1].GetProperty("actual").GetProperty("route").GetString());
        Assert.Equal("route: expected auto-execute, got review", results[1].GetProperty("mismatches")[0].GetString());
        Assert.StartsWith("review: rule 'tool.shell'", results[1].GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal("case.action: expected a string; got the number 1", results[2].GetProperty("problem").GetString());
    }

    [Fact]
    public void A_wrong_route_and_a_rule_that_did_not_fire_are_both_shown()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """
            { "tests": [ {
                "name": "shell runs on its own",
                "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.99, "risk": 0.1, "evidence": 0.9, "reversibility": "reversible",
                          "fields": { "tool.name": "shell", "tool.touchesProduction": false } },
                "expect": { "route": "auto-execute", "decidedBy": "hitl:default-route", "fired": ["tool.shel"], "flags": ["sampled-for-audit"] }
            } ] }
            """);

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("mismatch  route: expected auto-execute, got review", result.Out, StringComparison.Ordinal);
        Assert.Contains("decided by: expected hitl:default-route, got tool.shell", result.Out, StringComparison.Ordinal);
        Assert.Contains("fired: expected tool.shel to fire; it did not (the policy has no rule 'tool.shel' for agent.tool-call)", result.Out, StringComparison.Ordinal);
        Assert.Contains("flags: expected sampled-for-audit, got none", result.Out, StringComparison.Ordinal);
        Assert.Contains($"({path} line 1)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tier_the_policy_does_not_have_is_pointed_out()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """
            { "tests": [ { "name": "typo in tier",
                "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.99, "risk": 0.1, "evidence": 0.9, "reversibility": "reversible",
                          "fields": { "tool.name": "drop_table", "tool.touchesProduction": false } },
                "expect": { "route": "escalate", "tier": "directr" } } ] }
            """);

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("tier: expected directr, got director ('directr' is not a tier of this policy; its tiers are agent, senior, director)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_test_is_reported_and_the_others_still_run()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", """
            {
              "tests": [
                { "name": "no route", "case": { "action": "agent.tool-call" }, "expect": { "tier": "operator" } },
                { "name": "bad field type", "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "fields": { "agent.step": "one" } }, "expect": { "route": "review" } },
                { "name": "typo in a key", "case": { "action": "agent.tool-call" }, "expected": { "route": "review" } },
                { "name": "unknown route", "case": { "action": "agent.tool-call" }, "expect": { "route": "approve" } },
                { "name": "a missing tool name fails closed",
                  "case": { "action": "agent.tool-call", "sensitive": false, "vulnerable": false, "confidence": 0.95, "reversibility": "reversible",
                            "fields": { "tool.access": "read", "tool.touchesProduction": false, "tool.externalRecipients": 0, "agent.step": 2 } },
                  "expect": { "route": "review", "flags": ["invalid-signal"] } }
              ]
            }
            """);

        var result = Cli.Run("test", Cli.AgentPolicy, path);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var output = result.Out.ReplaceLineEndings("\n");
        Assert.Contains($"  ERROR no route ({path} line 3)\n          expect.route: missing; every test expects a route", output, StringComparison.Ordinal);
        Assert.Contains($"  ERROR bad field type ({path} line 4)\n          case.fields['agent.step']: expected a number (the policy declares it a number); got the string \"one\"", output, StringComparison.Ordinal);
        Assert.Contains("unknown property 'expected' (did you mean 'expect'?); a test has name, case, expect", output, StringComparison.Ordinal);
        Assert.Contains("expect.route: expected one of auto-execute, auto-execute-with-notice, review, escalate, block; got the string \"approve\"", output, StringComparison.Ordinal);
        Assert.Contains("  PASS  a missing tool name fails closed", output, StringComparison.Ordinal);
        Assert.Contains("FAILED: 1 passed, 0 failed, 4 could not run (5 tests).", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_file_that_is_not_json_is_a_usage_error_with_its_line()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{\n  \"tests\": [\n    { \"name\": \"x\" \"case\": {} }\n  ]\n}\n");

        var result = Cli.Run("test", Cli.AgentPolicy, path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The test file '{path}' is not valid JSON:", result.Error, StringComparison.Ordinal);
        Assert.Contains("(line 3, column", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"cases\": [] }")]
    [InlineData("{ \"tests\": {} }")]
    public void A_test_file_without_a_tests_array_is_a_usage_error(string content)
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", content);

        var result = Cli.Run("test", Cli.AgentPolicy, path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("must be a JSON object with a \"tests\" array", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_file_with_no_tests_fails()
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{ \"tests\": [] }");

        var result = Cli.Run("test", Cli.AgentPolicy, path);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("has no tests", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_test_file_is_named()
    {
        var result = Cli.Run("test", Cli.AgentPolicy, "no-tests.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The test file 'no-tests.json' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_argument_is_a_usage_error()
    {
        var result = Cli.Run("test", Cli.AgentPolicy);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("TESTS.json", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'hitl test --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    private static DecisionTrace Explain(string policyPath, string json)
    {
        var definition = PolicyJson.Load(policyPath);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        return policy.Explain(CaseReader.Parse(json, new CaseSchema(definition)));
    }
}
