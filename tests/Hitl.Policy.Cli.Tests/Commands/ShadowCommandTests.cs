using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

public class ShadowCommandTests
{
    private const string Email = "\"action\":\"email.send\",\"sensitive\":false,\"vulnerable\":false,\"evidence\":0.9,\"reversibility\":\"reversible\",\"category\":\"marketing\",\"fields\":{\"email.externalRecipients\":2,\"email.mentionsLegal\":false}";
    private const string Refund = "\"action\":\"refund.issue\",\"sensitive\":false,\"vulnerable\":false,\"confidence\":0.97,\"evidence\":0.9,\"reversibility\":\"reversible\",\"fields\":{\"customer.isNew\":false,\"customer.segment\":\"retail\",\"customer.chargebacks\":0}";

    /// <summary>
    /// Six cases; the candidate differs on exactly two: it auto-executes e-mails from 0.80 (active: 0.85), so case-e2 at
    /// 0.82 is looser; it reviews refunds from 300 (active: 500), so r-2 at 400 is stricter.
    /// </summary>
    private static readonly string Cases = string.Join('\n',
        "{\"requestId\":\"e-1\",\"confidence\":0.95," + Email + "}",
        "{\"caseId\":\"case-e2\",\"requestId\":\"e-2\",\"confidence\":0.82," + Email + "}",
        "{\"requestId\":\"e-3\",\"confidence\":0.5," + Email + "}",
        "{\"requestId\":\"r-1\",\"amount\":120," + Refund + "}",
        "",
        "{\"requestId\":\"r-2\",\"amount\":400," + Refund + "}",
        "{\"requestId\":\"r-3\",\"amount\":9000," + Refund + "}");

    private static string Candidate(TempFolder folder)
    {
        var text = File.ReadAllText(Cli.Operations);
        foreach (var (from, to) in new[]
        {
            ("\"version\": \"2026.11.1\"", "\"version\": \"2026.12.1\""),
            ("{ \"id\": \"email.confidence.high\", \"min\": 0.85", "{ \"id\": \"email.confidence.high\", \"min\": 0.8"),
            ("{ \"id\": \"email.confidence.medium\", \"min\": 0.6, \"max\": 0.85", "{ \"id\": \"email.confidence.medium\", \"min\": 0.6, \"max\": 0.8"),
            ("{ \"id\": \"refund.impact.large\", \"amountAtLeast\": 500", "{ \"id\": \"refund.impact.large\", \"amountAtLeast\": 300"),
        })
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return folder.Write("candidate.json", text);
    }

    [Fact]
    public void A_shadow_run_reports_exactly_the_planted_differences()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", Cases);

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--format", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal("operations@2026.11.1", json.GetProperty("activePolicy").GetString());
        Assert.Equal("operations@2026.12.1", json.GetProperty("candidatePolicy").GetString());
        Assert.Equal(6, json.GetProperty("observed").GetInt32());
        Assert.Equal(2, json.GetProperty("differing").GetInt32());
        var differences = json.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("difference")).ToList();
        Assert.Equal(["case-e2", "r-2"], differences.Select(d => d.GetProperty("caseId").GetString()));
        Assert.Equal(["candidate-looser", "candidate-stricter"], differences.Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal(["review", "auto-execute"], differences.Select(d => d.GetProperty("activeRoute").GetString()));
        Assert.Equal(["auto-execute", "review"], differences.Select(d => d.GetProperty("candidateRoute").GetString()));
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void With_the_audit_trail_the_table_shows_what_reviewers_decided_on_the_differing_cases()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", Cases);
        var audit = new Trail()
            .Decided("case-e2", "email.send", RouteLevel.Review, 0.82, "agent")
            .Decided("r-2", "refund.issue", RouteLevel.AutoExecute, 0.97, flags: DecisionFlags.SampledForAudit)
            .Act(ActKind.Rejected, "case-e2", TimeSpan.FromMinutes(12), "sam")
            .Act(ActKind.AuditPassed, "r-2", TimeSpan.FromHours(2), "auditor")
            .WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--audit", audit);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.StartsWith("Candidate operations@2026.12.1 beside active operations@2026.11.1: 2 of 6 cases differ (1 looser, 1 stricter, 0 tier only, 0 faults).", result.Out, StringComparison.Ordinal);
        var lines = result.OutLines;
        Assert.Equal(["email.send", "3", "1", "1", "0", "0", "0", "0/1", "0/0"], Cells(lines.Single(l => l.StartsWith("email.send", StringComparison.Ordinal))));
        Assert.Equal(["refund.issue", "3", "1", "0", "1", "0", "0", "0/0", "1/0"], Cells(lines.Single(l => l.StartsWith("refund.issue", StringComparison.Ordinal))));
        var e2 = lines.Single(l => l.StartsWith("2 ", StringComparison.Ordinal));
        Assert.Contains("case-e2", e2, StringComparison.Ordinal);
        Assert.Contains("looser", e2, StringComparison.Ordinal);
        Assert.Contains("review (agent) by email.confidence.medium", e2, StringComparison.Ordinal);
        Assert.Equal(["rejected", "sam"], Cells(e2)[^2..]);
        var r2 = lines.Single(l => l.StartsWith("6 ", StringComparison.Ordinal));
        Assert.Contains("stricter", r2, StringComparison.Ordinal);
        Assert.Equal(["audit-passed", "auditor"], Cells(r2)[^2..]);
    }

    [Fact]
    public void A_SQLite_case_store_is_read_as_the_audit_trail_and_gives_the_same_report()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", Cases);
        var trail = new Trail()
            .Decided("case-e2", "email.send", RouteLevel.Review, 0.82, "agent")
            .Decided("r-2", "refund.issue", RouteLevel.AutoExecute, 0.97, flags: DecisionFlags.SampledForAudit)
            .Act(ActKind.Rejected, "case-e2", TimeSpan.FromMinutes(12), "sam")
            .Act(ActKind.AuditPassed, "r-2", TimeSpan.FromHours(2), "auditor");
        var jsonl = trail.WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        // Named .jsonl on purpose: the kind is told by content, not by name.
        var sqlite = trail.WriteToSqlite(Path.Combine(folder.Path, "store.jsonl"));

        var fromJsonl = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--audit", jsonl, "-f", "json");
        var fromSqlite = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--audit", sqlite, "-f", "json");

        Assert.True(fromSqlite.Exit == ExitCodes.Failed, fromSqlite.ToString());
        Assert.Equal("", fromSqlite.Error);
        Assert.Equal(WithoutTimes(fromJsonl.Out), WithoutTimes(fromSqlite.Out));
        Assert.Contains("\"rejected\"", fromSqlite.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_case_missing_from_the_trail_says_so()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", Cases);
        var audit = new Trail().Decided("other", "email.send", RouteLevel.Review, 0.7, "agent").WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--audit", audit, "-f", "json");

        var verdicts = JsonDocument.Parse(result.Out).RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("verdict").ValueKind);
        Assert.All(verdicts, v => Assert.Equal(JsonValueKind.Null, v));
        Assert.Contains("(not in trail)", Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", cases, "--audit", audit).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_policy_on_both_sides_differs_nowhere_and_exits_0()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", Cases);

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Cli.Operations, "--cases", cases);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains("0 of 6 cases differ", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("DIFFERENCE", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_case_line_is_named_and_the_run_goes_on()
    {
        using var folder = new TempFolder();
        var cases = folder.Write("cases.jsonl", "{\"requestId\":\"e-1\",\"confidence\":0.95," + Email + "}\n{\"caseId\":7}\n");

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Cli.Operations, "--cases", cases);

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains($"error: {cases} line 2: caseId: expected a string; got the number 7", result.Error, StringComparison.Ordinal);
        Assert.Contains("1 case line could not be read and was left out (line 2).", result.Error, StringComparison.Ordinal);
        Assert.Contains("0 of 1 case differ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_can_come_from_standard_input()
    {
        using var folder = new TempFolder();

        var result = Cli.RunWithInput(Cases, "shadow", "--active", Cli.Operations, "--candidate", Candidate(folder), "--cases", "-", "-f", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Equal(2, JsonDocument.Parse(result.Out).RootElement.GetProperty("differing").GetInt32());
    }

    [Fact]
    public void A_host_field_with_two_types_cannot_be_compared()
    {
        using var folder = new TempFolder();
        var text = File.ReadAllText(Cli.Operations);
        const string from = "\"email.externalRecipients\": { \"type\": \"number\", \"min\": 0 }";
        Assert.Contains(from, text, StringComparison.Ordinal);
        var candidate = folder.Write("candidate.json", text.Replace(from, "\"email.externalRecipients\": { \"type\": \"text\" }", StringComparison.Ordinal)
            .Replace("{ \"field\": \"email.externalRecipients\", \"gt\": 50 }", "{ \"field\": \"email.externalRecipients\", \"eq\": \"many\" }", StringComparison.Ordinal));
        var cases = folder.Write("cases.jsonl", Cases);

        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", candidate, "--cases", cases);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The host field 'email.externalRecipients' is a number in the active policy", result.Error, StringComparison.Ordinal);
        Assert.Contains("but a text in the candidate policy", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        var result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", "nope.json", "--cases", "x.jsonl");
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The policy file 'nope.json' does not exist", result.Error, StringComparison.Ordinal);

        result = Cli.Run("shadow", "--active", Cli.Operations, "--candidate", Cli.Operations, "--cases", "x.jsonl");
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The cases file 'x.jsonl' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_explains_the_join_and_the_exit_codes()
    {
        var result = Cli.Run("shadow", "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("--candidate <B.json>", result.Out, StringComparison.Ordinal);
        Assert.Contains("--records <SHADOW.jsonl>", result.Out, StringComparison.Ordinal);
        Assert.Contains("joined on its caseId, or its requestId", result.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 the policies decide every case alike", result.Out, StringComparison.Ordinal);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The report without its times (when it was made differs from run to run).</summary>
    private static string WithoutTimes(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[^\"]*\"", "\"TIME\"");
}
