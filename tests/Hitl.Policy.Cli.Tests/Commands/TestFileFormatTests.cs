using System.Text.Json;
using Hitl.Policy.Cli.Cases;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6: what a test file can say. A route "at least", an exact set of flags (or none), a run with the kill
/// switch engaged, and numbers that are not numbers ("NaN", "Infinity", "-Infinity") to test the fail-closed path.
/// </summary>
public class TestFileFormatTests
{
    // A refund the operations policy lets run on its own: confident, small, reversible, a regular customer.
    private const string Refund =
        """{ "action": "refund.issue", "requestId": "r-1", "sensitive": false, "vulnerable": false, "confidence": 0.97, "evidence": 0.9, "amount": 120, "reversibility": "reversible", "fields": { "customer.isNew": false, "customer.segment": "retail", "customer.chargebacks": 0 } }""";

    private static string RefundWith(string property, string value) =>
        Refund.Replace("\"" + property + "\": 0.97", "\"" + property + "\": " + value, StringComparison.Ordinal);

    private static Cli.Result RunTests(params string[] tests)
    {
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{ \"tests\": [\n" + string.Join(",\n", tests) + "\n] }\n");
        return Cli.Run("test", Cli.Operations, path);
    }

    private static string Test(string name, string expect, string? @case = null, string? killSwitch = null) =>
        $$"""{ "name": "{{name}}", {{(killSwitch is null ? "" : "\"killSwitch\": " + killSwitch + ", ")}}"case": {{@case ?? Refund}}, "expect": {{expect}} }""";

    [Fact]
    public void The_refund_used_here_runs_on_its_own_with_no_flag()
    {
        var result = RunTests(Test("plain", """{ "route": "auto-execute", "flagsExactly": [] }"""));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public void Route_at_least_passes_on_that_route_or_a_stricter_one_and_fails_on_a_looser_one()
    {
        var large = Refund.Replace("\"amount\": 120", "\"amount\": 8000", StringComparison.Ordinal);

        var result = RunTests(
            Test("same", """{ "routeAtLeast": "review" }""", large),
            Test("stricter is fine", """{ "routeAtLeast": "auto-execute-with-notice" }""", large),
            Test("looser fails", """{ "routeAtLeast": "review" }"""));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("  PASS  same", result.Out, StringComparison.Ordinal);
        Assert.Contains("  PASS  stricter is fine", result.Out, StringComparison.Ordinal);
        Assert.Contains("  FAIL  looser fails", result.Out, StringComparison.Ordinal);
        Assert.Contains("expected  at least review", result.Out, StringComparison.Ordinal);
        Assert.Contains("mismatch  route: expected at least review, got auto-execute", result.Out, StringComparison.Ordinal);
        Assert.Contains("FAILED: 2 passed, 1 failed, 0 could not run (3 tests).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_and_route_at_least_together_is_a_test_that_cannot_run()
    {
        var result = RunTests(Test("both", """{ "route": "review", "routeAtLeast": "review" }"""));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("expect.routeAtLeast: give \"route\" (exactly that route) or \"routeAtLeast\" (that route or a stricter one), not both", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_route_names_both_ways_to_give_one()
    {
        var result = RunTests(Test("none", """{ "tier": null }"""));

        Assert.Contains("expect.route: missing; every test expects a route (\"route\" for exactly that route, or \"routeAtLeast\" for the least strict route allowed)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_exactly_empty_fails_when_any_flag_is_set()
    {
        var result = RunTests(Test("no flags", """{ "routeAtLeast": "review", "flagsExactly": [] }""", RefundWith("confidence", "\"NaN\"")));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("expected  at least review; flags exactly none", result.Out, StringComparison.Ordinal);
        Assert.Contains("mismatch  flags: expected exactly none, got invalid-signal", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_exactly_is_the_whole_set_in_any_order_while_flags_only_needs_its_own_to_be_set()
    {
        var killed = Test("subset", """{ "routeAtLeast": "review", "flags": ["kill-switch-active"] }""", RefundWith("confidence", "\"NaN\""), "true");
        var exact = Test("exact", """{ "routeAtLeast": "review", "flagsExactly": ["invalid-signal", "kill-switch-active"] }""", RefundWith("confidence", "\"NaN\""), "true");
        var tooFew = Test("too few", """{ "routeAtLeast": "review", "flagsExactly": ["kill-switch-active"] }""", RefundWith("confidence", "\"NaN\""), "true");

        var result = RunTests(killed, exact, tooFew);

        Assert.Contains("  PASS  subset", result.Out, StringComparison.Ordinal);
        Assert.Contains("  PASS  exact", result.Out, StringComparison.Ordinal);
        Assert.Contains("  FAIL  too few", result.Out, StringComparison.Ordinal);
        Assert.Contains("mismatch  flags: expected exactly kill-switch-active, got kill-switch-active, invalid-signal", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_flags_list_checks_nothing_so_it_points_to_flags_exactly()
    {
        var result = RunTests(Test("empty flags", """{ "route": "auto-execute", "flags": [] }"""));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("ERROR empty flags", result.Out, StringComparison.Ordinal);
        Assert.Contains("expect.flags: an empty list checks nothing (\"flags\" names flags that must be set, others may be too); to expect no flag at all write \"flagsExactly\": []", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "route": "review", "flags": ["invalid-signal"], "flagsExactly": [] }""", "expect.flagsExactly: give \"flags\" (flags that must be among those set) or \"flagsExactly\" (the whole set), not both")]
    [InlineData("""{ "route": "review", "flagsExactly": ["killswitch"] }""", "expect.flagsExactly[0]: expected a flag name (sampled-for-audit, kill-switch-active, invalid-signal, unknown-action-type, rule-fault, irreversible-raised, fired-rules-truncated); got the string \"killswitch\"")]
    [InlineData("""{ "route": "review", "flagsExactly": ["rule-fault", "rule-fault"] }""", "expect.flagsExactly[1]: 'rule-fault' is given twice")]
    [InlineData("""{ "route": "review", "flags": "invalid-signal" }""", "expect.flags: expected an array of flag names (sampled-for-audit,")]
    [InlineData("""{ "route": "review", "routeAtLeast": 2 }""", "expect.routeAtLeast: give \"route\"")]
    [InlineData("""{ "routeAtLeast": "manual" }""", "expect.routeAtLeast: expected one of auto-execute, auto-execute-with-notice, review, escalate, block; got the string \"manual\"")]
    [InlineData("[]", "expect: expected an object; got an array")]
    public void A_malformed_expectation_names_the_key_and_the_value(string expect, string message)
    {
        var result = RunTests(Test("malformed", expect));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("ERROR malformed", result.Out, StringComparison.Ordinal);
        Assert.Contains(message, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_with_the_kill_switch_engaged_stops_what_would_run_and_the_next_test_runs_without_it()
    {
        var result = RunTests(
            Test("switched off", """{ "route": "review", "decidedBy": "hitl:kill-switch", "flagsExactly": ["kill-switch-active"] }""", killSwitch: "true"),
            Test("back on", """{ "route": "auto-execute", "flagsExactly": [] }"""),
            Test("explicitly off", """{ "route": "auto-execute" }""", killSwitch: "false"));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public void A_kill_switch_for_one_action_type_stops_that_type_only()
    {
        var result = RunTests(
            Test("refunds stopped", """{ "routeAtLeast": "review", "flags": ["kill-switch-active"] }""", killSwitch: """{ "actions": ["refund.issue"] }"""),
            Test("loans stopped, refunds run", """{ "route": "auto-execute", "flagsExactly": [] }""", killSwitch: """{ "actions": ["loan.approve"] }"""),
            Test("global in the policy's shape", """{ "route": "review" }""", killSwitch: """{ "global": true }"""));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Theory]
    [InlineData("""{ "actions": ["refund.isue"] }""", "killSwitch.actions: 'refund.isue' is neither an action type of this policy (agent.tool-call, email.send, loan.approve, refund.issue) nor the case's action, so its switch would never apply")]
    [InlineData("\"on\"", "killSwitch: expected true, false or an object like the policy's killSwitch: {\"global\": true} or {\"actions\": [\"refund.issue\"]}; got the string \"on\"")]
    [InlineData("""{ "global": "yes" }""", "killSwitch.global: expected true or false; got the string \"yes\"")]
    [InlineData("""{ "actions": "refund.issue" }""", "killSwitch.actions: expected an array of action types; got the string \"refund.issue\"")]
    [InlineData("""{ "actions": [""] }""", "killSwitch.actions[0]: expected an action type; got the string \"\"")]
    [InlineData("""{ "scope": "global" }""", "killSwitch.scope: unknown; killSwitch has global, actions")]
    public void A_malformed_kill_switch_is_a_test_that_cannot_run(string killSwitch, string message)
    {
        var result = RunTests(Test("bad switch", """{ "route": "review" }""", killSwitch: killSwitch));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("ERROR bad switch", result.Out, StringComparison.Ordinal);
        Assert.Contains(message, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kill_switch_for_the_cases_own_undeclared_action_type_applies()
    {
        var unknown = Refund.Replace("refund.issue", "invoice.void", StringComparison.Ordinal);

        var result = RunTests(Test("undeclared, switched off", """{ "routeAtLeast": "review", "flags": ["kill-switch-active", "unknown-action-type"] }""", unknown, """{ "actions": ["invoice.void"] }"""));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public void A_nan_confidence_routes_to_a_person()
    {
        var result = RunTests(Test("NaN confidence", """{ "routeAtLeast": "review", "flagsExactly": ["invalid-signal"] }""", RefundWith("confidence", "\"NaN\"")));

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Theory]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-Infinity\"")]
    public void Numbers_that_are_not_finite_fail_closed_in_route_too(string value)
    {
        var line = RefundWith("confidence", value).ReplaceLineEndings(" ") + "\n";

        var result = Cli.RunWithInput(line, "route", "--policy", Cli.Operations, "--cases", "-");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var decision = JsonDocument.Parse(result.OutLines.Single()).RootElement;
        Assert.NotEqual("auto-execute", decision.GetProperty("route").GetString());
        Assert.Equal("confidence", decision.GetProperty("invalidSignal").GetString());
    }

    [Fact]
    public void The_strings_are_read_as_those_numbers_in_host_fields_too()
    {
        var schema = new CaseSchema(PolicyJson.Load(Cli.Operations));

        var signals = CaseReader.Parse("""{ "amount": "Infinity", "risk": "-Infinity", "fields": { "applicant.income": "NaN" } }""", schema);

        Assert.Equal(double.PositiveInfinity, signals.Amount);
        Assert.Equal(double.NegativeInfinity, signals.Risk);
        Assert.True(double.IsNaN(signals.Numbers["applicant.income"]));
    }

    [Theory]
    [InlineData("""{ "confidence": "nan" }""", "confidence: expected a number; got the string \"nan\" (the only strings read as numbers are \"NaN\", \"Infinity\" and \"-Infinity\")")]
    [InlineData("""{ "confidence": 1e999 }""", "confidence: expected a number; got the number 1e999 (out of range; write \"Infinity\" or \"-Infinity\" for an infinite value)")]
    public void Other_strings_and_numbers_out_of_range_say_how_to_write_them(string json, string message)
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse(json, new CaseSchema(PolicyJson.Load(Cli.Operations))));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void The_help_of_test_lists_every_expect_key_and_every_flag_name()
    {
        var help = Cli.Run("test", "--help").Out;

        foreach (var key in new[] { "route", "routeAtLeast", "tier", "approvals", "decidedBy", "fired", "flags", "flagsExactly", "\"killSwitch\": true", "\"NaN\", \"Infinity\" or \"-Infinity\"" })
        {
            Assert.Contains(key, help, StringComparison.Ordinal);
        }

        foreach (var flag in Hitl.Policy.Cli.Output.DecisionText.FlagNames)
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_test_file_saved_with_a_byte_order_mark_is_read()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "TESTS.json");
        File.WriteAllText(path, "{ \"tests\": [ " + Test("bom", """{ "route": "auto-execute" }""") + " ] }", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public void Long_and_control_character_values_from_a_test_file_are_cut_short_and_escaped_in_the_report()
    {
        var huge = new string('x', 100_000);
        var result = RunTests(
            Test("\\u001b[31m" + huge, $$"""{ "route": "review", "tier": "{{huge}}", "decidedBy": "{{huge}}", "fired": ["{{huge}}"] }"""),
            Test("switch", """{ "route": "review" }""", killSwitch: $$"""{ "actions": ["{{huge}}"] }"""),
            Test("key", $$"""{ "route": "review", "{{huge}}": 1 }"""));

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.True(result.Out.Length < 20_000, $"the report takes {result.Out.Length} characters");
        Assert.DoesNotContain("\u001b[31m", result.Out, StringComparison.Ordinal);
        Assert.Contains("\\u001B[31m", result.Out, StringComparison.Ordinal);
    }
}
