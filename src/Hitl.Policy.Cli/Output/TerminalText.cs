using System.Globalization;
using System.Text;

namespace Hitl.Policy.Cli.Output;

/// <summary>
/// Keeps case data from driving the terminal: control characters (C0 other than tab and line feed, DEL, C1, so also
/// ESC and the CSI of colour and cursor sequences) and the characters that reorder or hide text (bidi overrides and
/// isolates, line and paragraph separators) are written as <c>\uXXXX</c>. That form is also a JSON escape, so JSON
/// output keeps its meaning.
/// </summary>
internal static class TerminalText
{
    /// <summary>Whether a character must not reach a terminal as it is.</summary>
    /// <param name="c">The character.</param>
    /// <param name="inCell">In a table cell, tab and line breaks are escaped too: they would break the columns.</param>
    public static bool IsUnsafe(char c, bool inCell) => c switch
    {
        '\t' or '\n' => inCell,
        < ' ' => true,
        >= '\u007F' and <= '\u009F' => true,
        '\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2066' and <= '\u2069' => true,
        _ => false,
    };

    /// <summary>A table cell or a single line of case data, safe to print.</summary>
    public static string Cell(string? text) => Escape(text, inCell: true);

    /// <summary>Text with its line breaks, safe to print.</summary>
    public static string Escape(string? text, bool inCell)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var i = 0;
        while (i < text.Length && !IsUnsafe(text[i], inCell))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            Append(builder, text[i], inCell);
        }

        return builder.ToString();
    }

    /// <summary>Appends one character, escaped when unsafe.</summary>
    public static void Append(StringBuilder builder, char c, bool inCell)
    {
        if (IsUnsafe(c, inCell))
        {
            builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        else
        {
            builder.Append(c);
        }
    }
}

/// <summary>
/// A writer that escapes what <see cref="TerminalText"/> calls unsafe in everything written through it, so that no
/// command can print case data raw, whatever path the text takes. A carriage return is kept only as part of a
/// CR LF line end.
/// </summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter(CultureInfo.InvariantCulture)
{
    private readonly StringBuilder _pending = new();
    private bool _carriageReturn;

    public override Encoding Encoding => inner.Encoding;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value)
    {
        Add(value);
        Drain();
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (var c in value)
        {
            Add(c);
        }

        Drain();
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        foreach (var c in buffer)
        {
            Add(c);
        }

        Drain();
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine);
    }

    public override void Flush()
    {
        if (_carriageReturn)
        {
            _carriageReturn = false;
            TerminalText.Append(_pending, '\r', inCell: false);
            Drain();
        }

        inner.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Flush();
        }

        base.Dispose(disposing);
    }

    private void Add(char c)
    {
        if (_carriageReturn)
        {
            _carriageReturn = false;
            if (c == '\n')
            {
                _pending.Append('\r');
            }
            else
            {
                TerminalText.Append(_pending, '\r', inCell: false);
            }
        }

        if (c == '\r')
        {
            _carriageReturn = true;
            return;
        }

        TerminalText.Append(_pending, c, inCell: false);
    }

    private void Drain()
    {
        if (_pending.Length > 0)
        {
            inner.Write(_pending.ToString());
            _pending.Clear();
        }
    }
}
