using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Tests.Audit;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Cli.Tests.Commands;

public class CalibrateCommandTests
{
    /// <summary>
    /// email.send (auto-execute from 0.85 today): 800 cases from 0.75 up, every one accepted (audits passed above 0.85,
    /// approvals below); 200 cases just below, in [0.70, 0.75), every other one rejected. The evidence supports 0.75 and nothing lower.
    /// </summary>
    private static Trail EmailEvidence()
    {
        var trail = new Trail();
        for (var i = 0; i < 800; i++)
        {
            var confidence = Math.Round(0.75 + (0.25 * (i + 0.5) / 800), 6);
            var id = "e" + i.ToString(CultureInfo.InvariantCulture);
            if (confidence >= 0.85)
            {
                trail.Decided(id, "email.send", RouteLevel.AutoExecute, confidence, flags: DecisionFlags.SampledForAudit)
                    .Act(ActKind.AuditPassed, id, TimeSpan.FromHours(1), "auditor");
            }
            else
            {
                trail.Decided(id, "email.send", RouteLevel.Review, confidence, "agent").Act(ActKind.Approved, id, TimeSpan.FromMinutes(5));
            }
        }

        for (var i = 0; i < 200; i++)
        {
            var confidence = Math.Round(0.70 + (0.0499 * (i + 0.5) / 200), 6);
            var id = "m" + i.ToString(CultureInfo.InvariantCulture);
            trail.Decided(id, "email.send", RouteLevel.Review, confidence, "agent").Act(i % 2 == 0 ? ActKind.Rejected : ActKind.Approved, id, TimeSpan.FromMinutes(5));
        }

        return trail;
    }

    [Fact]
    public void A_SQLite_case_store_is_read_as_the_audit_trail_and_gives_the_same_report()
    {
        using var folder = new TempFolder();
        var evidence = EmailEvidence();
        var jsonl = evidence.WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var sqlite = evidence.WriteToSqlite(Path.Combine(folder.Path, "hitl.db"));

        var fromJsonl = Cli.Run("calibrate", "--audit", jsonl, "--policy", Cli.Operations, "--format", "json");
        var fromSqlite = Cli.Run("calibrate", "--audit", sqlite, "--policy", Cli.Operations, "--format", "json");

        Assert.True(fromSqlite.Exit == ExitCodes.Ok, fromSqlite.ToString());
        Assert.Equal(WithoutTimes(fromJsonl.Out), WithoutTimes(fromSqlite.Out));
        Assert.Equal("loosen", JsonDocument.Parse(fromSqlite.Out).RootElement.GetProperty("actions").EnumerateArray()
            .Single(a => a.GetProperty("actionType").GetString() == "email.send").GetProperty("recommendation").GetProperty("kind").GetString());
    }

    [Fact]
    public void A_broken_SQLite_trail_is_refused_naming_the_sequence()
    {
        using var folder = new TempFolder();
        var sqlite = new Trail()
            .Decided("a", "email.send", RouteLevel.Review, 0.8, "agent")
            .Decided("b", "email.send", RouteLevel.Review, 0.8, "agent")
            .WriteToSqlite(Path.Combine(folder.Path, "hitl.db"));
        Store.StoreFile.Tamper(sqlite, 2, "\"caseId\":\"b\"", "\"caseId\":\"c\"");

        var result = Cli.Run("calibrate", "--audit", sqlite, "--policy", Cli.Operations);

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains($"The audit trail '{sqlite}' is broken at sequence 2:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_names_each_action_type_with_its_recommended_threshold_interval_and_sample_size()
    {
        using var folder = new TempFolder();
        var audit = EmailEvidence().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations, "--target", "0.99", "--confidence", "0.95", "--format", "json");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(0.99, json.GetProperty("target").GetDouble());
        Assert.Equal("clopper-pearson", json.GetProperty("method").GetString());
        var actions = json.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("actionType").GetString()!);
        Assert.Equal(["agent.tool-call", "email.send", "loan.approve", "refund.issue"], actions.Keys.Order(StringComparer.Ordinal));
        var email = actions["email.send"].GetProperty("recommendation");
        Assert.Equal("loosen", email.GetProperty("kind").GetString());
        Assert.Equal(0.85, email.GetProperty("currentThreshold").GetDouble(), 9);
        Assert.Equal(0.75, email.GetProperty("recommendedThreshold").GetDouble(), 9);
        Assert.Equal(800, email.GetProperty("sampleSize").GetInt32());
        Assert.True(email.GetProperty("lowerBound").GetDouble() >= 0.99);
        var interval = email.GetProperty("agreement");
        Assert.Equal(800, interval.GetProperty("trials").GetInt32());
        Assert.True(interval.GetProperty("lower").GetDouble() < 1 && interval.GetProperty("upper").GetDouble() == 1);
        Assert.Equal("insufficient-evidence", actions["loan.approve"].GetProperty("recommendation").GetProperty("kind").GetString());
    }

    [Fact]
    public void Propose_writes_a_valid_policy_with_the_moved_threshold_and_prints_the_diff()
    {
        using var folder = new TempFolder();
        var audit = EmailEvidence().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var proposed = Path.Combine(folder.Path, "proposed.json");

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations, "--propose", proposed);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains("email.send", result.Out, StringComparison.Ordinal);
        Assert.Contains($"Proposed policy operations 2026.11.1-proposed written to '{proposed}' (1 threshold change). Nothing is applied", result.Out, StringComparison.Ordinal);
        Assert.Contains(result.OutLines, l => l.StartsWith('-') && l.Contains("0.85", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.StartsWith('+') && l.Contains("0.75", StringComparison.Ordinal));

        var policy = PolicyJson.Load(proposed);
        Assert.Equal("2026.11.1-proposed", policy.Version);
        Assert.Empty(PolicyCompiler.Validate(policy));
        var auto = policy.Actions!["email.send"].ConfidenceBands!.Where(b => b.Route == RouteLevel.AutoExecute).Min(b => b.Min);
        Assert.Equal(0.75, auto, 9);
        Assert.Equal(ExitCodes.Ok, Cli.Run("validate", proposed).Exit);
    }

    [Fact]
    public void With_json_the_proposal_goes_to_standard_error_and_standard_output_stays_json()
    {
        using var folder = new TempFolder();
        var audit = EmailEvidence().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var proposed = Path.Combine(folder.Path, "proposed.json");

        var result = Cli.Run("calibrate", "-a", audit, "-p", Cli.Operations, "-f", "json", "--propose", proposed);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(result.Out).RootElement.ValueKind);
        Assert.Contains("Nothing is applied", result.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(proposed));
    }

    [Fact]
    public void Audits_that_fail_on_the_auto_path_say_tighten_and_exit_1()
    {
        using var folder = new TempFolder();
        var trail = new Trail();
        for (var i = 0; i < 300; i++)
        {
            var id = "l" + i.ToString(CultureInfo.InvariantCulture);
            trail.Decided(id, "loan.approve", RouteLevel.AutoExecute, 0.95 + (0.049 * i / 300), flags: DecisionFlags.SampledForAudit)
                .Act(i % 10 == 0 ? ActKind.AuditFailed : ActKind.AuditPassed, id, TimeSpan.FromHours(1), "auditor");
        }

        var audit = trail.WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var proposed = Path.Combine(folder.Path, "proposed.json");

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations, "--propose", proposed);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains(result.OutLines, l => l.StartsWith("loan.approve", StringComparison.Ordinal) && l.EndsWith("TIGHTEN", StringComparison.Ordinal));
        Assert.True(File.Exists(proposed), result.ToString());
        var loan = PolicyJson.Load(proposed).Actions!["loan.approve"].ConfidenceBands!;
        Assert.DoesNotContain(loan, b => b.Route == RouteLevel.AutoExecute && b.Min < 0.95);
    }

    [Fact]
    public void No_loosening_is_proposed_below_the_minimum_sample()
    {
        using var folder = new TempFolder();
        var audit = EmailEvidence().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var proposed = Path.Combine(folder.Path, "proposed.json");

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations, "--min-sample", "5000", "--propose", proposed, "--method", "wilson");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains("Wilson", result.Out, StringComparison.Ordinal);
        Assert.Contains($"No change proposed: the evidence moves no threshold. '{proposed}' was not written.", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(proposed));
    }

    [Theory]
    [InlineData("--target", "1.5", "--target must lie strictly between 0 and 1, for example 0.99; got 1.5.")]
    [InlineData("--confidence", "0", "--confidence must lie strictly between 0 and 1, for example 0.95; got 0.")]
    [InlineData("--min-sample", "0", "--min-sample must be at least 1; got 0.")]
    public void An_option_out_of_range_is_named_with_its_value(string option, string value, string message)
    {
        using var folder = new TempFolder();
        var audit = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations, option, value);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Equal("error: " + message, result.Error.Trim());
    }

    [Fact]
    public void An_unknown_method_lists_the_known_ones()
    {
        var result = Cli.Run("calibrate", "--audit", "a.jsonl", "--policy", Cli.Operations, "--method", "bayes");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("'bayes'", result.Error, StringComparison.Ordinal);
        Assert.Contains("'clopper-pearson'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'hitl calibrate --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_trail_is_refused_as_evidence()
    {
        using var folder = new TempFolder();
        var audit = EmailEvidence().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        AuditVerifyCommandTests.ChangeOneByte(audit, line: 2, "\"ana\"", "\"anA\"");

        var result = Cli.Run("calibrate", "--audit", audit, "--policy", Cli.Operations);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The audit trail '{audit}' is broken at line 2:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Calibration needs an intact trail", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void A_missing_trail_or_policy_is_named()
    {
        var result = Cli.Run("calibrate", "--audit", "missing.jsonl", "--policy", Cli.Operations);
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The audit trail 'missing.jsonl' does not exist", result.Error, StringComparison.Ordinal);

        result = Cli.Run("calibrate", "--audit", "missing.jsonl", "--policy", "missing.json");
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The policy file 'missing.json' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_explains_agreement_and_the_exit_codes()
    {
        var result = Cli.Run("calibrate", "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("--method <clopper-pearson|wilson>", result.Out, StringComparison.Ordinal);
        Assert.Contains("--propose <OUT.json>", result.Out, StringComparison.Ordinal);
        Assert.Contains("a judged case agrees when", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 the evidence says an action type's auto path", result.Out, StringComparison.Ordinal);
    }

    /// <summary>The report without its times (when it was made differs from run to run).</summary>
    private static string WithoutTimes(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^\"]*\"", "\"TIME\"");
}
