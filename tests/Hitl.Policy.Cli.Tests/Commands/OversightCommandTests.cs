using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

public class OversightCommandTests
{
    /// <summary>
    /// refund.issue in three regions, 200 cases each: north and south auto-execute 60%, <paramref name="plantedRegion"/>
    /// auto-executes <paramref name="plantedRate"/>; the rest is reviewed by ana and ben and approved (one in ten rejected),
    /// and 50 sampled auto-executed transfers are audited, <paramref name="failedAudits"/> failing.
    /// </summary>
    private static Trail Refunds(string plantedRegion = "west", double plantedRate = 0.6, int failedAudits = 0)
    {
        var trail = new Trail();
        foreach (var region in new[] { "north", "south", plantedRegion })
        {
            var rate = region == plantedRegion ? plantedRate : 0.6;
            for (var i = 0; i < 200; i++)
            {
                var id = region + i.ToString(CultureInfo.InvariantCulture);
                var data = new Dictionary<string, string> { ["segment.region"] = region };
                if (i < rate * 200)
                {
                    trail.Decided(id, "refund.issue", RouteLevel.AutoExecute, 0.95, at: TimeSpan.FromMinutes(i), data: data);
                }
                else
                {
                    trail.Decided(id, "refund.issue", RouteLevel.Review, 0.8, "agent", at: TimeSpan.FromMinutes(i), data: data)
                        .Act(i % 10 == 0 ? ActKind.Rejected : ActKind.Approved, id, TimeSpan.FromMinutes(i + 5 + (i % 7)), i % 2 == 0 ? "ana" : "ben");
                }
            }
        }

        for (var i = 0; i < 50; i++)
        {
            var id = "t" + i.ToString(CultureInfo.InvariantCulture);
            trail.Decided(id, "transfer.send", RouteLevel.AutoExecute, 0.99, flags: DecisionFlags.SampledForAudit, at: TimeSpan.FromMinutes(i))
                .Act(i < failedAudits ? ActKind.AuditFailed : ActKind.AuditPassed, id, TimeSpan.FromMinutes(i + 60), "auditor");
        }

        return trail;
    }

    [Fact]
    public void A_trail_without_findings_gives_every_section_and_exit_0()
    {
        using var folder = new TempFolder();
        var path = Refunds().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("oversight", path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.StartsWith($"{path}: 650 decided cases (chain intact).", result.Out, StringComparison.Ordinal);
        foreach (var section in new[] { "Reviewers", "Rules", "Rubber stamps (", "Drift (", "Auto path (", "Bias by segment", "refund.issue by region" })
        {
            Assert.Contains("\n" + section, "\n" + result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }

        Assert.EndsWith("No finding crosses its threshold." + Environment.NewLine, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_planted_disparity_is_a_finding_in_the_table_and_the_json_and_exits_1()
    {
        using var folder = new TempFolder();
        var path = Refunds(plantedRate: 0.4).WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var table = Cli.Run("oversight", path);
        var json = Cli.Run("oversight", path, "--format", "json");

        Assert.True(table.Exit == ExitCodes.Failed, table.ToString());
        Assert.Contains("FLAG automated refund.issue region = west: auto-execute rate 40.0% (n=200)", table.Out, StringComparison.Ordinal);
        Assert.Contains("1 finding crosses its threshold: 1 disparity.", table.Out, StringComparison.Ordinal);
        Assert.True(json.Exit == ExitCodes.Failed, json.ToString());
        var report = JsonDocument.Parse(json.Out).RootElement;
        Assert.True(report.GetProperty("hasFindings").GetBoolean());
        var finding = Assert.Single(report.GetProperty("bias").GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal("west", finding.GetProperty("value").GetString());
        Assert.Equal("automated", finding.GetProperty("source").GetString());
        Assert.Equal(0.4 / 0.6, finding.GetProperty("ratio").GetDouble(), 6);
        Assert.True(finding.GetProperty("adjustedPValue").GetDouble() < 0.05);
    }

    [Fact]
    public void An_auto_path_above_its_bound_exits_1_and_a_looser_bound_clears_it()
    {
        using var folder = new TempFolder();
        var path = Refunds(failedAudits: 5).WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var strict = Cli.Run("oversight", path);
        var loose = Cli.Run("oversight", path, "--max-auto-error", "0.05");

        Assert.True(strict.Exit == ExitCodes.Failed, strict.ToString());
        Assert.Contains("1 auto path above its bound", strict.Out, StringComparison.Ordinal);
        Assert.True(loose.Exit == ExitCodes.Ok, loose.ToString());
    }

    [Fact]
    public void A_segment_not_asked_for_is_not_tested_and_a_minimum_sample_above_the_counts_tests_nothing()
    {
        using var folder = new TempFolder();
        var path = Refunds(plantedRate: 0.4).WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var other = Cli.Run("oversight", path, "--segment", "language", "--format", "json");
        var large = Cli.Run("oversight", path, "--min-sample", "500", "--format", "json");
        var asked = Cli.Run("oversight", path, "-s", "region", "--format", "json");

        Assert.True(other.Exit == ExitCodes.Ok, other.ToString());
        Assert.Empty(JsonDocument.Parse(other.Out).RootElement.GetProperty("bias").GetProperty("segments").EnumerateArray());
        Assert.True(large.Exit == ExitCodes.Ok, large.ToString());
        Assert.Equal(0, JsonDocument.Parse(large.Out).RootElement.GetProperty("bias").GetProperty("tests").GetInt32());
        Assert.True(asked.Exit == ExitCodes.Failed, asked.ToString());
    }

    [Fact]
    public void A_sqlite_case_store_is_read_as_well()
    {
        using var folder = new TempFolder();
        var path = Refunds(plantedRate: 0.4).WriteToSqlite(Path.Combine(folder.Path, "hitl.db"));

        var result = Cli.Run("oversight", path, "--format", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Single(JsonDocument.Parse(result.Out).RootElement.GetProperty("bias").GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void A_hostile_segment_value_is_escaped_in_the_table()
    {
        using var folder = new TempFolder();
        var path = Refunds(plantedRegion: "\u001b[31mred\u202e").WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("oversight", path);

        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\u202e', result.Out);
        Assert.Contains("\\u001B[31mred\\u202E", result.Out, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("--min-reviews", "0", "--min-reviews must be at least 1; got 0.")]
    [InlineData("--max-auto-error", "1.5", "--max-auto-error must lie in [0, 1), for example 0.02; got 1.5.")]
    [InlineData("--min-sample", "0", "--min-sample must be at least 1; got 0.")]
    public void An_option_out_of_range_is_named_and_exits_2(string option, string value, string message)
    {
        using var folder = new TempFolder();
        var path = Refunds().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));

        var result = Cli.Run("oversight", path, option, value);

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_trail_exits_2()
    {
        var result = Cli.Run("oversight", Path.Combine(Path.GetTempPath(), "no-such-trail-" + Guid.NewGuid().ToString("N") + ".jsonl"));

        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
    }
}
