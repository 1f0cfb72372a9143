using System.Globalization;
using System.Text;

namespace Hitl.Policy.Feedback;

/// <summary>
/// A plain-text table: a header, rows, columns padded to their widest cell (numbers right-aligned). Cells carry data
/// from the trail or the cases (action types, ids), so control characters, line breaks and bidi overrides in them are
/// escaped as <c>\uXXXX</c>: a value can neither drive the terminal that shows the report nor break its columns.
/// </summary>
internal sealed class TextTable(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public TextTable Row(params string[] cells)
    {
        _rows.Add(cells.Select(Escape).ToArray());
        return this;
    }

    /// <summary>A cell safe to print: C0 and C1 controls (ESC among them), DEL, bidi controls and line separators as <c>\uXXXX</c>.</summary>
    public static string Escape(string? cell)
    {
        if (string.IsNullOrEmpty(cell))
        {
            return cell ?? "";
        }

        if (cell.AsSpan().IndexOfAny(Unsafe) < 0)
        {
            return cell;
        }

        var text = new StringBuilder(cell.Length + 16);
        foreach (var c in cell)
        {
            if (Unsafe.Contains(c))
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(i => (char)i))
        + string.Concat(Enumerable.Range(0x7F, 0x21).Select(i => (char)i))
        + "\u061C\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    public void WriteTo(StringBuilder text)
    {
        var widths = header.Select(Escape).Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? r[i].Length : 0))).ToArray();
        Line(text, header.Select(Escape).ToArray(), widths);
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
