using System.Globalization;
using System.Text.Json;

namespace Hitl.Policy.Quickstart.Tests;

/// <summary>The summary's bias section: outcomes by language read back from the trail, and the planted disparity found.</summary>
public sealed class BiasSectionTests(SharedRun shared) : IClassFixture<SharedRun>
{
    private const string Heading = "Bias by segment: language";

    [Fact]
    public void Every_action_type_and_language_has_a_row_whose_counts_agree_with_the_trail()
    {
        var run = shared.Run;
        var decided = run.Entries().Where(e => e.GetProperty("act").GetString() == "decided").ToList();
        var rows = Rows(run.Output);

        var expected = decided
            .GroupBy(e => (Action: e.GetProperty("actionType").GetString()!, Language: e.GetProperty("data").GetProperty("segment.language").GetString()!))
            .ToDictionary(g => g.Key, g => (Cases: g.Count(), Auto: g.Count(e => e.GetProperty("route").GetString()!.StartsWith("auto-execute", StringComparison.Ordinal))));
        Assert.Equal(12, expected.Count);
        Assert.Equal(expected.Keys.Order(), rows.Keys.Order());
        foreach (var (key, (cases, auto)) in expected)
        {
            Assert.Equal(cases, rows[key].Cases);
            Assert.Equal(((double)auto / cases).ToString("0.0%", CultureInfo.InvariantCulture), rows[key].AutoExecuted);
        }
    }

    [Fact]
    public async Task The_full_run_finds_the_planted_disparity_and_attributes_it_to_the_policy_not_the_reviewers()
    {
        using var run = await QuickstartRun.StartAsync(3000, seed: 2026);
        Assert.Equal(0, run.ExitCode);

        var section = SummaryOutput.Section(run.Output, Heading).TakeWhile(l => l.Length > 0).ToList();
        var findings = section.Where(l => l.StartsWith("  FINDING", StringComparison.Ordinal)).ToList();
        var finding = Assert.Single(findings);
        Assert.StartsWith("  FINDING, made by the policy (the automated route): loan.approve in es: auto-execute ", finding, StringComparison.Ordinal);
        Assert.Contains("oversight \"" + run.TrailPath + "\"", string.Join('\n', section), StringComparison.Ordinal);

        // The reviewers approve the Spanish-language loans at least as often as the others: the model's hedging is unfounded.
        var rows = Rows(run.Output);
        Assert.True(double.Parse(rows[("loan.approve", "es")].Approved.TrimEnd('%'), CultureInfo.InvariantCulture) >=
            double.Parse(rows[("loan.approve", "en")].Approved.TrimEnd('%'), CultureInfo.InvariantCulture));
    }

    private static Dictionary<(string Action, string Language), (int Cases, string AutoExecuted, string Approved)> Rows(string output)
    {
        var rows = new Dictionary<(string, string), (int, string, string)>();
        foreach (var line in SummaryOutput.Section(output, Heading).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("  FINDING", StringComparison.Ordinal) && !l.StartsWith("  No finding", StringComparison.Ordinal) && !l.StartsWith("  Planted", StringComparison.Ordinal)))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            rows.Add((cells[0], cells[1]), (SummaryOutput.Number(cells[2]), cells[3], cells[6]));
        }

        return rows;
    }
}
