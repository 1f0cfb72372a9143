using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>A plain-text table: a header, rows, columns padded to their widest cell (numbers right-aligned).</summary>
internal sealed class TextTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public TextTable Row(params string[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    public void WriteTo(StringBuilder text)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        Line(text, header, widths);
        text.AppendJoin("  ", widths.Select(w => new string('-', w))).Append('\n');
        TrimEnd(text);
        foreach (var row in _rows)
        {
            Line(text, row, widths);
        }
    }

    public static string Percent(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    public static string Number(double? value, string format = "0.###") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Interval(RateEstimate? estimate) => estimate is { Rate: not null }
        ? string.Create(CultureInfo.InvariantCulture, $"{estimate.Rate:0.0%} [{estimate.Lower:0.0%}, {estimate.Upper:0.0%}] n={estimate.Trials}")
        : "-";

    private static void Line(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            var numeric = cell.Length > 0 && (char.IsDigit(cell[0]) || cell[0] == '-') && cell != "-";
            text.Append(numeric ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            if (i < widths.Length - 1)
            {
                text.Append("  ");
            }
        }

        text.Append('\n');
        TrimEnd(text);
    }

    private static void TrimEnd(StringBuilder text)
    {
        // Keep lines free of trailing spaces so that the output diffs cleanly.
        var end = text.Length - 1;
        var cut = end;
        while (cut > 0 && text[cut - 1] == ' ')
        {
            cut--;
        }

        if (cut < end)
        {
            text.Remove(cut, end - cut);
        }
    }
}
