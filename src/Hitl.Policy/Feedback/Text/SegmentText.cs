using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Renders a <see cref="SegmentReport"/> as plain text. Action types, segment names and values are case data (hostile
/// input): each is cut to <see cref="MaxShown"/> characters and escaped (see <see cref="TextTable.Escape"/>), so that
/// neither control characters nor a very long value can drive the terminal or stretch every row of a table.
/// </summary>
internal static class SegmentText
{
    /// <summary>The most characters of one piece of case data shown; the JSON carries it whole.</summary>
    public const int MaxShown = 64;

    public static string Render(SegmentReport report)
    {
        var text = new StringBuilder("Bias by segment\n");
        if (report.Segments.Count == 0)
        {
            text.Append("  no case carries a segment\n");
        }

        foreach (var group in report.Segments.GroupBy(s => (s.ActionType, s.Segment)))
        {
            text.Append('\n').Append(Shown(group.Key.ActionType)).Append(" by ").Append(Shown(group.Key.Segment)).Append('\n');
            var routes = new TextTable("value", "cases", "auto-executed", "reviewed", "overridden (of auto-executed)", "reversed (of executed)");
            var answers = new TextTable("value", "answered reviews", "approved (or edited)", "edited", "rejected");
            foreach (var row in group)
            {
                var value = Shorten(row.Value);
                routes.Row(value, TextTable.Count(row.Cases), TextTable.Interval(row.AutoExecuted), TextTable.Interval(row.Reviewed),
                    TextTable.Interval(row.Overridden), TextTable.Interval(row.Reversed));
                answers.Row(value, TextTable.Count(row.Approved.Trials), TextTable.Interval(row.Approved), TextTable.Interval(row.Edited), TextTable.Interval(row.Rejected));
            }

            routes.WriteTo(text);
            text.Append('\n');
            answers.WriteTo(text);
        }

        text.Append("\nFindings\n");
        foreach (var f in report.Findings)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"  FLAG {(f.Source == DisparitySource.Automated ? "automated" : "human")} {Shown(f.ActionType)} {Shown(f.Segment)} = {Shown(f.Value)}: {f.Outcome} rate {f.Rate:0.0%} (n={f.Trials}) against {f.ReferenceRate:0.0%} (n={f.ReferenceTrials}) for {Shown(f.ReferenceValue)}, ratio {f.Ratio:0.00}; {f.Method} p = {f.PValue:G3}, Holm-adjusted p = {f.AdjustedPValue:G3}\n");
        }

        if (report.Findings.Count == 0)
        {
            text.Append("  none\n");
        }

        text.Append("\nCriterion: ").Append(report.Criterion).Append('\n');
        return text.ToString();
    }

    /// <summary>Case data cut and escaped for a line of text.</summary>
    private static string Shown(string? value) => TextTable.Escape(Shorten(value));

    /// <summary>Case data cut to <see cref="MaxShown"/> characters (not inside a surrogate pair), with the full length noted; escaped later by the table.</summary>
    private static string Shorten(string? value)
    {
        if (value is null || value.Length <= MaxShown)
        {
            return value ?? "";
        }

        var cut = char.IsHighSurrogate(value[MaxShown - 1]) ? MaxShown - 1 : MaxShown;
        return string.Create(CultureInfo.InvariantCulture, $"{value[..cut]}… ({value.Length} chars)");
    }
}
