using System.Globalization;
using System.Text.RegularExpressions;

namespace Hitl.Policy.Quickstart.Tests;

/// <summary>Reads the numbers back out of the printed summary.</summary>
internal static partial class SummaryOutput
{
    public static readonly string[] Routes = ["auto-execute", "auto-execute-with-notice", "review", "escalate", "block"];
    public static readonly string[] ReviewActs = ["approved", "edited", "rejected", "escalated", "audit-passed", "audit-failed"];

    /// <summary>The routes table: per row label (action type or "all"), decisions, the count per route, and the sampled count.</summary>
    public static Dictionary<string, (int Decisions, int[] PerRoute, int Sampled)> RoutesTable(string output)
    {
        var table = new Dictionary<string, (int, int[], int)>(StringComparer.Ordinal);
        foreach (var line in Section(output, "Routes by action type").Skip(1).TakeWhile(l => l.Length > 0))
        {
            var cells = Cells(line);
            Assert.Equal(1 + 1 + (2 * Routes.Length) + 1, cells.Length);
            var perRoute = Enumerable.Range(0, Routes.Length).Select(i => Number(cells[2 + (2 * i)])).ToArray();
            table[cells[0]] = (Number(cells[1]), perRoute, Number(cells[^1]));
        }

        return table;
    }

    /// <summary>The reviews table: per tier, the count of each act.</summary>
    public static Dictionary<string, int[]> ReviewsTable(string output)
    {
        var table = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var line in Section(output, "Reviews by tier and outcome").Skip(1).TakeWhile(l => l.Length > 0))
        {
            var cells = Cells(line);
            table[cells[0]] = [.. cells.Skip(1).Select(Number)];
        }

        return table;
    }

    public static (int Total, int Escalate, int Block) Timeouts(string output)
    {
        var match = TimeoutLine().Match(output);
        Assert.True(match.Success, "The summary has no timeout line.");
        return (Number(match.Groups[1].Value), Number(match.Groups[2].Value), Number(match.Groups[3].Value));
    }

    public static int ReachedHigherTier(string output)
    {
        var match = HigherTierLine().Match(output);
        Assert.True(match.Success, "The summary does not say how many cases reached a higher tier.");
        return Number(match.Groups[1].Value);
    }

    public static int VerifiedRecords(string output)
    {
        var match = VerifiedLine().Match(output);
        Assert.True(match.Success, "The summary does not say the chain verified.");
        return Number(match.Groups[1].Value);
    }

    /// <summary>The lines after the heading that starts with <paramref name="heading"/>.</summary>
    public static IEnumerable<string> Section(string output, string heading)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"The summary has no section '{heading}'.");
        return lines.Skip(start + 1);
    }

    public static int Number(string text) => int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"([\d,]+) reviews passed their deadline: ([\d,]+) fell back to escalate .*?, ([\d,]+) fell back to block")]
    private static partial Regex TimeoutLine();

    [GeneratedRegex(@"in all ([\d,]+) \([\d.]+%\) of cases reached a higher tier")]
    private static partial Regex HigherTierLine();

    [GeneratedRegex(@"Chain verified: ([\d,]+) records")]
    private static partial Regex VerifiedLine();
}
