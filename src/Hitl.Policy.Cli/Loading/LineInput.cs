using System.Globalization;
using System.Text;

namespace Hitl.Policy.Cli.Loading;

/// <summary>
/// Reads input line by line with a bounded line length, so that a 1 GiB line or an endless stream without a line end
/// stops the command with a clear error instead of exhausting memory. Line feed ends a line; a carriage return before
/// it is dropped.
/// </summary>
internal sealed class LineInput(TextReader reader, string source, int maxLineLength)
{
    private readonly char[] _buffer = new char[8192];
    private int _position;
    private int _length;

    /// <summary>The number of the line last read, from 1.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next line, or <see langword="null"/> at the end of the input.</summary>
    /// <exception cref="CliException">The line is longer than the limit; the message names the source and the line.</exception>
    public string? ReadLine()
    {
        StringBuilder? line = null;
        while (true)
        {
            if (_position == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    if (line is null)
                    {
                        return null;
                    }

                    LineNumber++;
                    return line.ToString();
                }
            }

            line ??= new StringBuilder();
            var newline = Array.IndexOf(_buffer, '\n', _position, _length - _position);
            var end = newline < 0 ? _length : newline;
            if ((long)line.Length + (end - _position) > maxLineLength + (newline < 0 ? 1L : 0))
            {
                throw TooLong(LineNumber + 1, maxLineLength, source);
            }

            line.Append(_buffer, _position, end - _position);
            if (newline < 0)
            {
                _position = _length;
                continue;
            }

            _position = newline + 1;
            LineNumber++;
            if (line.Length > 0 && line[^1] == '\r')
            {
                line.Length--;
            }

            if (line.Length > maxLineLength)
            {
                throw TooLong(LineNumber, maxLineLength, source);
            }

            return line.ToString();
        }
    }

    /// <summary>Reads all of a small input (one case) with the same bound.</summary>
    /// <exception cref="CliException">The input is longer than the limit.</exception>
    public static string ReadAll(TextReader reader, string source, int maxLength)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if ((long)text.Length + read > maxLength)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"The {source} is longer than {maxLength} characters, the most a case may take; nothing was read past that."));
            }

            text.Append(buffer, 0, read);
        }

        return text.ToString();
    }

    private static CliException TooLong(int line, int max, string source) => new(string.Create(CultureInfo.InvariantCulture,
        $"{source} line {line} is longer than {max} characters, the most a case line may take (one JSON object per line); reading stopped there."));
}
