using System.Text.Json;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

public class AuditStatsCommandTests
{
    [Fact]
    public void The_json_counts_match_a_trail_with_known_counts()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("audit", "stats", path, "--format", "json");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.True(json.GetProperty("intact").GetBoolean());
        Assert.Equal(22, json.GetProperty("records").GetInt64());
        Assert.Equal(11, json.GetProperty("cases").GetInt32());
        var all = json.GetProperty("all");
        Assert.Equal(11, all.GetProperty("decisions").GetInt32());
        Assert.Equal(
            new Dictionary<string, int> { ["auto-execute"] = 4, ["auto-execute-with-notice"] = 1, ["review"] = 4, ["escalate"] = 1, ["block"] = 1 },
            all.GetProperty("routes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));
        Assert.Equal(2, all.GetProperty("escalated").GetInt32());
        Assert.Equal(2.0 / 11, all.GetProperty("escalationRate").GetDouble(), 6);
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["approved"] = 2, ["edited"] = 1, ["rejected"] = 1, ["escalated"] = 1, ["timed-out"] = 1, ["overridden"] = 1,
                ["reversed"] = 1, ["contested"] = 1, ["audit-passed"] = 1, ["audit-failed"] = 1,
            },
            all.GetProperty("outcomes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()));

        // First answers: 10, 20 (the escalation), 30 and 120 minutes: median 25 minutes, 90th percentile 2 hours.
        Assert.Equal(4, all.GetProperty("answered").GetInt32());
        Assert.Equal(25 * 60, all.GetProperty("medianReviewSeconds").GetDouble());
        Assert.Equal(2 * 3600, all.GetProperty("p90ReviewSeconds").GetDouble());

        var actions = json.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("actionType").GetString()!);
        Assert.Equal(["email.send", "loan.approve", "refund.issue"], actions.Keys);
        Assert.Equal(5, actions["loan.approve"].GetProperty("decisions").GetInt32());
        Assert.Equal(0.4, actions["loan.approve"].GetProperty("escalationRate").GetDouble(), 6);
        Assert.Equal(1, actions["refund.issue"].GetProperty("routes").GetProperty("block").GetInt32());
        Assert.Equal(0, actions["refund.issue"].GetProperty("answered").GetInt32());
        Assert.Equal(JsonValueKind.Null, actions["refund.issue"].GetProperty("medianReviewSeconds").ValueKind);
        Assert.Equal(1, actions["email.send"].GetProperty("outcomes").GetProperty("audit-failed").GetInt32());
    }

    [Fact]
    public void The_table_shows_routes_escalation_outcomes_and_review_time()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("audit", "stats", path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.StartsWith($"{path}: 22 records (chain intact), 11 decided cases.", result.Out, StringComparison.Ordinal);
        var lines = result.OutLines;
        Assert.Contains(lines, l => l.StartsWith("ACTION", StringComparison.Ordinal) && l.Contains("AUTO-EXECUTE-WITH-NOTICE", StringComparison.Ordinal));
        Assert.Equal(["loan.approve", "5", "1", "0", "3", "1", "0", "2", "(40.0%)"], Cells(lines.First(l => l.StartsWith("loan.approve", StringComparison.Ordinal))));
        Assert.Equal(["all", "11", "4", "1", "4", "1", "1", "2", "(18.2%)"], Cells(lines.First(l => l.StartsWith("all ", StringComparison.Ordinal))));
        Assert.Equal(["all", "2", "1", "1", "1", "1", "1", "1", "1", "1", "1"], Cells(lines.Where(l => l.StartsWith("all ", StringComparison.Ordinal)).ElementAt(1)));
        Assert.Equal(["all", "4", "25m", "00s", "2h", "00m"], Cells(lines.Where(l => l.StartsWith("all ", StringComparison.Ordinal)).ElementAt(2)));
        Assert.Contains("from the decision to the first reviewer answer (approve, edit, reject or escalate)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_trail_is_counted_up_to_the_break_with_a_warning_and_fails()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        AuditVerifyCommandTests.ChangeOneByte(path, line: 12, "\"ana\"", "\"anA\"");

        var result = Cli.Run("audit", "stats", path, "--format", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains($"warning: the audit trail '{path}' is broken at line 12:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Only the 11 intact records before it are counted", result.Error, StringComparison.Ordinal);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.False(json.GetProperty("intact").GetBoolean());
        Assert.Equal(11, json.GetProperty("records").GetInt64());
        Assert.Equal(0, json.GetProperty("all").GetProperty("outcomes").GetProperty("approved").GetInt32());
    }

    [Fact]
    public void A_torn_tail_is_left_out_of_the_counts()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        File.AppendAllText(path, "{\"sequence\":23,");

        var result = Cli.Run("audit", "stats", path, "-f", "json");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.Contains("is torn at line 23", result.Error, StringComparison.Ordinal);
        Assert.Equal(11, JsonDocument.Parse(result.Out).RootElement.GetProperty("cases").GetInt32());
    }

    [Fact]
    public void A_missing_trail_cannot_be_counted()
    {
        var result = Cli.Run("audit", "stats", "no-such-audit.jsonl");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: The audit trail 'no-such-audit.jsonl' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_says_what_review_time_measures()
    {
        var result = Cli.Run("audit", "stats", "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("Review time runs from the decision to the", result.Out, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 counted over an intact trail", result.Out, StringComparison.Ordinal);
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
