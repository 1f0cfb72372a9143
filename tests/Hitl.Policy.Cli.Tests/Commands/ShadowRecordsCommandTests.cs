using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Tests.Audit;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// <c>hitl shadow --records</c>: the differences a live shadow recorded, read as hostile input (bounded lines, every field
/// checked, a bad line named and left out, values escaped) and reported as the replay is, joined with the trail on the
/// request id.
/// </summary>
public class ShadowRecordsCommandTests
{
    private static string Record(string at, string requestId, string kind, string activeRoute, string? candidateRoute, string? activeTier = null, string? candidateTier = null, string action = "refund.issue")
    {
        var fields = new Dictionary<string, object?>
        {
            ["at"] = at,
            ["activePolicy"] = "refunds@1",
            ["candidatePolicy"] = "refunds@2",
            ["actionType"] = action,
            ["requestId"] = requestId,
            ["kind"] = kind,
            ["activeRoute"] = activeRoute,
            ["candidateRoute"] = candidateRoute,
            ["activeTier"] = activeTier,
            ["candidateTier"] = candidateTier,
            ["activeDecidedBy"] = "a.rule",
            ["candidateDecidedBy"] = candidateRoute is null ? null : "c.rule",
        };
        return JsonSerializer.Serialize(fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value));
    }

    private static readonly string Records = string.Join('\n',
        Record("2026-11-02T09:00:00Z", "r-1", "candidate-stricter", "auto-execute", "review", candidateTier: "agent"),
        Record("2026-11-02T09:05:00Z", "r-2", "candidate-looser", "escalate", "review", "senior", "agent"),
        "",
        Record("2026-11-02T09:10:00Z", "r-3", "tier", "review", "review", "agent", "senior", action: "email.send"),
        Record("2026-11-02T09:20:00Z", "r-4", "candidate-fault", "review", null, "agent")) + "\n";

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_table_counts_the_records_per_action_type_and_lists_each_with_its_line_and_time()
    {
        using var folder = new TempFolder();
        var path = folder.Write("shadow.jsonl", Records);

        var result = Cli.Run("shadow", "--records", path);

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Equal("", result.Error);
        var lines = result.OutLines;
        Assert.Equal("Live shadow: candidate refunds@2 beside active refunds@1: 4 recorded differences (1 looser, 1 stricter, 1 tier only, 1 fault), recorded 2026-11-02T09:00:00Z to 2026-11-02T09:20:00Z.", lines[0]);
        Assert.Equal(["ACTION", "RECORDS", "LOOSER", "STRICTER", "TIER", "FAULTS"], Cells(lines[1]));
        Assert.Equal(["email.send", "1", "0", "0", "1", "0"], Cells(lines.Single(l => l.StartsWith("email.send", StringComparison.Ordinal))));
        Assert.Equal(["refund.issue", "3", "1", "1", "0", "1"], Cells(lines.Single(l => l.StartsWith("refund.issue", StringComparison.Ordinal))));
        Assert.Equal(["LINE", "AT", "CASE", "ACTION", "DIFFERENCE", "ACTIVE", "CANDIDATE"], Cells(lines[4]));
        Assert.Equal(["1", "2026-11-02T09:00:00Z", "r-1", "refund.issue", "stricter", "auto-execute", "by", "a.rule", "review", "(agent)", "by", "c.rule"], Cells(lines[5]));
        Assert.Equal(["2", "2026-11-02T09:05:00Z", "r-2", "refund.issue", "looser", "escalate", "(senior)", "by", "a.rule", "review", "(agent)", "by", "c.rule"], Cells(lines[6]));
        Assert.Equal(["4", "2026-11-02T09:10:00Z", "r-3", "email.send", "tier"], Cells(lines[7])[..5]);
        Assert.Equal(["5", "2026-11-02T09:20:00Z", "r-4", "refund.issue", "candidate-fault", "review", "(agent)", "by", "a.rule", "(threw)"], Cells(lines[8]));
        Assert.Equal(9, lines.Length);
    }

    [Fact]
    public void The_json_is_the_shadow_report_of_the_records()
    {
        using var folder = new TempFolder();
        var path = folder.Write("shadow.jsonl", Records);

        var result = Cli.Run("shadow", "--records", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(("refunds@1", "refunds@2"), (json.GetProperty("activePolicy").GetString(), json.GetProperty("candidatePolicy").GetString()));
        Assert.Equal((4, 4, 0), (json.GetProperty("observed").GetInt32(), json.GetProperty("differing").GetInt32(), json.GetProperty("droppedDifferences").GetInt32()));
        var differences = json.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("difference")).ToList();
        Assert.Equal(["r-1", "r-2", "r-3", "r-4"], differences.Select(d => d.GetProperty("caseId").GetString()));
        Assert.Equal(["candidate-stricter", "candidate-looser", "tier", "candidate-fault"], differences.Select(d => d.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, differences[3].GetProperty("candidateRoute").ValueKind);
        Assert.Equal(["email.send", "refund.issue"], json.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("actionType").GetString()));
    }

    [Fact]
    public void An_empty_file_differs_nowhere_and_exits_0()
    {
        using var folder = new TempFolder();
        var path = folder.Write("shadow.jsonl", "");

        var result = Cli.Run("shadow", "--records", path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal("Live shadow: candidate (none) beside active (none): 0 recorded differences (0 looser, 0 stricter, 0 tier only, 0 faults).", result.OutLines.Single());
    }

    [Fact]
    public void A_malformed_record_is_named_by_file_and_line_and_the_rest_is_reported()
    {
        using var folder = new TempFolder();
        var good = Record("2026-11-02T09:00:00Z", "r-1", "candidate-stricter", "auto-execute", "review", candidateTier: "agent");
        var path = folder.Write("shadow.jsonl", string.Join('\n',
            good,
            "{\"at\":\"2026-11-02T09:00:00Z\",\"acti",
            good.Replace("\"candidate-stricter\"", "\"sideways\"", StringComparison.Ordinal),
            good.Replace("\"candidate-stricter\"", "\"candidate-looser\"", StringComparison.Ordinal),
            good.Replace("\"2026-11-02T09:00:00Z\"", "\"yesterday\"", StringComparison.Ordinal),
            good.Replace(",\"activeRoute\":\"auto-execute\"", "", StringComparison.Ordinal),
            "[1, 2]",
            "{\"at\":\"2026-11-02T09:00:00Z\",\"at\":\"2026-11-02T09:00:00Z\"}",
            "{\"requestId\":\"" + new string('x', 70_000) + "\"}",
            good.Replace("\"refunds@1\"", "17", StringComparison.Ordinal),
            good));

        var result = Cli.Run("shadow", "--records", path, "-f", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains($"error: {path} line 2: not valid JSON: ", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 3: kind: expected one of \"candidate-looser\", \"candidate-stricter\", \"tier\", \"candidate-fault\"; got the string \"sideways\"", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 4: kind: 'candidate-looser' does not fit the decisions it names: the active policy auto-execute, the candidate review (agent) (that is 'candidate-stricter')", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 5: at: expected an ISO 8601 time; got the string \"yesterday\"", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 6: activeRoute: missing; a shadow record has at, activePolicy, candidatePolicy, kind and activeRoute", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 7: a shadow record is a JSON object; got an array", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 8: not valid JSON: 'at' is given twice", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 9: longer than 65536 characters, the most a shadow record may take; left out", result.Error, StringComparison.Ordinal);
        Assert.Contains($"error: {path} line 10: activePolicy: expected a string; got the number 17", result.Error, StringComparison.Ordinal);
        Assert.Contains("9 record lines could not be read and were left out (lines 2, 3, 4, 5, 6, 7, 8, 9, 10).", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 100), result.Error, StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(result.Out).RootElement.GetProperty("differing").GetInt32());
    }

    [Fact]
    public void A_hostile_value_is_escaped_in_the_table_and_the_header()
    {
        using var folder = new TempFolder();
        var hostile = Record("2026-11-02T09:00:00Z", "evil\u001b[2J\nFAKE LINE", "candidate-stricter", "auto-execute", "review", candidateTier: "agent\u202eniega", action: "refund\u0007.issue")
            .Replace("\"refunds@1\"", "\"refunds@1\\nCandidate forged\"", StringComparison.Ordinal);
        var path = folder.Write("shadow.jsonl", hostile + "\n");

        var table = Cli.Run("shadow", "--records", path);
        var json = Cli.Run("shadow", "--records", path, "-f", "json");

        foreach (var output in new[] { table.Out, json.Out })
        {
            Assert.DoesNotContain('\u001b', output);
            Assert.DoesNotContain('\u202e', output);
            Assert.DoesNotContain('\u0007', output);
        }

        Assert.Contains("evil\\u001B[2J\\u000AFAKE LINE", table.Out, StringComparison.Ordinal);
        Assert.Contains("agent\\u202Eniega", table.Out, StringComparison.Ordinal);
        Assert.Contains("refund\\u0007.issue", table.Out, StringComparison.Ordinal);
        Assert.StartsWith("Live shadow: candidate refunds@2 beside active refunds@1\\u000ACandidate forged: 1 recorded difference", table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(table.OutLines, l => l.StartsWith("FAKE LINE", StringComparison.Ordinal) || l.StartsWith("Candidate forged", StringComparison.Ordinal));
        Assert.Equal("evil\u001b[2J\nFAKE LINE", JsonDocument.Parse(json.Out).RootElement.GetProperty("cases")[0].GetProperty("difference").GetProperty("caseId").GetString());
    }

    [Fact]
    public void The_record_docs_cli_md_shows_is_one_the_command_reads()
    {
        var docs = File.ReadAllText(Cli.Repo("docs/cli.md")).ReplaceLineEndings("\n");
        var from = docs.IndexOf("A live shadow writes one JSON object per line", StringComparison.Ordinal);
        Assert.True(from > 0, "docs/cli.md shows no shadow record");
        var start = docs.IndexOf("```json\n", from, StringComparison.Ordinal) + "```json\n".Length;
        var record = docs[start..docs.IndexOf("\n```", start, StringComparison.Ordinal)];
        using var folder = new TempFolder();

        var result = Cli.Run("shadow", "--records", folder.Write("shadow.jsonl", record), "-f", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Equal("", result.Error);
        Assert.Equal("r-1", JsonDocument.Parse(result.Out).RootElement.GetProperty("cases")[0].GetProperty("difference").GetProperty("caseId").GetString());
    }

    [Theory]
    [InlineData("--active")]
    [InlineData("--candidate")]
    [InlineData("--cases")]
    public void Records_and_the_replay_options_exclude_each_other(string option)
    {
        var result = Cli.Run("shadow", "--records", "shadow.jsonl", option, "x.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"--records reads what a live shadow recorded and cannot be combined with {option}, which replay cases through two policies: give either --records, or --active, --candidate and --cases.", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Without_records_a_missing_replay_option_is_named()
    {
        var result = Cli.Run("shadow", "--active", Cli.Operations, "--cases", "x.jsonl");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("Option '--candidate' is required to replay cases (with --active, --candidate and --cases); or give --records SHADOW.jsonl to read what a live shadow recorded.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_records_file_is_named()
    {
        var result = Cli.Run("shadow", "--records", "no-such-shadow.jsonl");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("The shadow records file 'no-such-shadow.jsonl' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Records_can_come_from_standard_input()
    {
        var result = Cli.RunWithInput(Records, "shadow", "--records", "-", "-f", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Equal(4, JsonDocument.Parse(result.Out).RootElement.GetProperty("differing").GetInt32());
    }

    /// <summary>
    /// End to end: a host with a live shadow in DI routes through its gate (case ids the gate makes up, not the request
    /// ids), a reviewer rejects a case the candidate would have let through; the records the shadow wrote join the trail
    /// on the request id.
    /// </summary>
    [Fact]
    public async Task What_a_live_shadow_wrote_joins_the_trail_of_its_gate_on_the_request_id()
    {
        using var folder = new TempFolder();
        var records = Path.Combine(folder.Path, "shadow.jsonl");
        var audit = Path.Combine(folder.Path, "audit.jsonl");
        var time = new FakeTimeProvider(Trail.Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddHitlPolicy(o => o.PolicyJson = Policy("1", refundFrom: 1000, emailFrom: 1000))
            .AddShadowPolicy(o => (o.PolicyJson, o.RecordPath) = (Policy("2", refundFrom: 500, emailFrom: 2000), records))
            .AddReviewGate()
            .AddJsonLinesAuditStore(audit)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer")));
        var caseIds = new List<string>();
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            var gate = provider.GetRequiredService<ReviewGate<Signals>>();
            Assert.IsType<LiveShadow<Signals>>(gate.Policy);
            foreach (var (requestId, action, amount) in new[] { ("req-same", "refund.issue", 100.0), ("req-stricter", "refund.issue", 700), ("req-looser", "email.send", 1500) })
            {
                var submitted = await gate.SubmitAsync(new GateRequest<Signals> { Context = Case(requestId, action, amount), RequestId = requestId, Payload = "p" });
                caseIds.Add(submitted.CaseId);
            }

            await gate.RejectAsync(new HumanAct(caseIds[2], "ann", "wrong", "the e-mail goes to the wrong list"));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var result = Cli.Run("shadow", "--records", records, "--audit", audit, "-f", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        var cases = JsonDocument.Parse(result.Out).RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal([caseIds[1], caseIds[2]], cases.Select(c => c.GetProperty("difference").GetProperty("caseId").GetString()));
        Assert.DoesNotContain("req-stricter", caseIds);
        Assert.Equal(["candidate-stricter", "candidate-looser"], cases.Select(c => c.GetProperty("difference").GetProperty("kind").GetString()));
        Assert.Equal(["no-verdict", "rejected"], cases.Select(c => c.GetProperty("verdict").GetString()));
        Assert.Equal("ann", cases[1].GetProperty("reviewers")[0].GetString());

        var table = Cli.Run("shadow", "--records", records, "--audit", audit).OutLines;
        Assert.Equal(["email.send", "1", "1", "0", "0", "0", "0/1", "0/0"], Cells(table.Single(l => l.StartsWith("email.send", StringComparison.Ordinal))));
        Assert.Equal(["rejected", "ann"], Cells(table.Single(l => l.Contains(caseIds[2], StringComparison.Ordinal)))[^2..]);
    }

    private static Signals Case(string requestId, string action, double amount) => new() { ActionType = action, Amount = amount, RequestId = requestId };

    private static string Policy(string version, int refundFrom, int emailFrom) => $$"""
        {
          "id": "refunds", "version": "{{version}}", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute" },
          "actions": {
            "refund.issue": { "impactTiers": [ { "id": "refund.large", "amountAtLeast": {{refundFrom}}, "route": "review" } ] },
            "email.send": { "impactTiers": [ { "id": "email.large", "amountAtLeast": {{emailFrom}}, "route": "review" } ] }
          }
        }
        """;
}
