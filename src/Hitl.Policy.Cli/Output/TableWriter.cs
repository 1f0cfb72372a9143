namespace Hitl.Policy.Cli.Output;

/// <summary>
/// Prints rows as left-aligned columns; the last column runs free so long details do not widen the rest. Cells are case
/// data: control characters, line breaks and bidi overrides in them are escaped (<see cref="TerminalText"/>), so a
/// value can neither drive the terminal nor break the columns.
/// </summary>
internal static class TableWriter
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        headers = headers.Select(TerminalText.Cell).ToArray();
        rows = rows.Select(row => row.Select(TerminalText.Cell).ToArray()).ToList();
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < widths.Length - 1; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        WriteRow(output, headers, widths);
        foreach (var row in rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> cells, int[] widths)
    {
        var line = string.Join("  ", cells.Select((cell, i) => i < widths.Length - 1 ? cell.PadRight(widths[i]) : cell));
        output.WriteLine(line.TrimEnd());
    }
}
