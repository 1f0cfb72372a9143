using System.Text;
using System.Text.Json;

namespace Hitl.Policy.Json;

/// <summary>
/// Where each JSON path of a policy document starts in its source, so that errors found after parsing can name a
/// line and column. Built by one pass of <see cref="Utf8JsonReader"/>, with paths in the validator's format.
/// </summary>
internal sealed class JsonSourceMap
{
    private readonly Dictionary<string, long> _offsets;
    private readonly List<long> _lineStarts;

    private JsonSourceMap(Dictionary<string, long> offsets, List<long> lineStarts)
    {
        _offsets = offsets;
        _lineStarts = lineStarts;
    }

    public static JsonSourceMap Build(ReadOnlySpan<byte> utf8) => Build(utf8, null);

    /// <summary>
    /// Builds the map and checks what the serializer lets through: every string and property name must be valid UTF-8
    /// (or decode from its escapes), and every number must be a finite double (<c>1e309</c> would read as infinity, which
    /// no policy value can be and no writer can write back). Each problem names its path, line and column.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static JsonSourceMap Build(ReadOnlySpan<byte> utf8, List<PolicyError>? problems)
    {
        var lineStarts = new List<long> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var containers = new Stack<(string Path, bool IsArray, int Next)>();
        string? property = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                property = Text(ref reader, containers.Peek().Path, "a property name", problems, lineStarts) ?? "?";
                offsets.TryAdd(JsonPath.Property(containers.Peek().Path, property), reader.TokenStartIndex);
                continue;
            }

            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                containers.Pop();
                continue;
            }

            string path;
            if (containers.Count == 0)
            {
                path = JsonPath.Root;
            }
            else if (containers.Peek().IsArray)
            {
                var top = containers.Pop();
                path = JsonPath.Index(top.Path, top.Next);
                containers.Push(top with { Next = top.Next + 1 });
            }
            else
            {
                path = JsonPath.Property(containers.Peek().Path, property!);
            }

            offsets.TryAdd(path, reader.TokenStartIndex);
            if (problems is not null && reader.TokenType == JsonTokenType.String)
            {
                Text(ref reader, path, "a string", problems, lineStarts);
            }
            else if (problems is not null && reader.TokenType == JsonTokenType.Number &&
                     !(reader.TryGetDouble(out var number) && double.IsFinite(number)))
            {
                Problem(problems, lineStarts, reader.TokenStartIndex, path,
                    "a number must be finite (a double between -1.7976931348623157E+308 and 1.7976931348623157E+308)",
                    Encoding.UTF8.GetString(reader.ValueSpan.Length > 40 ? reader.ValueSpan[..40] : reader.ValueSpan));
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                containers.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
            }
        }

        return new JsonSourceMap(offsets, lineStarts);
    }

    private static string? Text(ref Utf8JsonReader reader, string path, string what, List<PolicyError>? problems, List<long> lineStarts)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            if (problems is null)
            {
                throw;
            }

            Problem(problems, lineStarts, reader.TokenStartIndex, path,
                $"{what} is not valid UTF-8 text (invalid bytes or a lone surrogate escape); save the file as UTF-8", null);
            return null;
        }
    }

    private static void Problem(List<PolicyError> problems, List<long> lineStarts, long offset, string path, string message, string? value)
    {
        const int MaxProblems = 20;
        if (problems.Count >= MaxProblems)
        {
            return;
        }

        var line = lineStarts.BinarySearch(offset);
        if (line < 0)
        {
            line = ~line - 1;
        }

        problems.Add(new PolicyError(PolicyErrorCode.MalformedJson, path, message, value) { Line = line + 1, Column = (int)(offset - lineStarts[line]) + 1 });
    }

    /// <summary>The JSON text of the value at <paramref name="path"/> in <paramref name="utf8"/> (shortened), or null when unknown.</summary>
    public string? RawValue(string path, ReadOnlySpan<byte> utf8)
    {
        if (!_offsets.TryGetValue(path, out var offset) || offset < 0 || offset >= utf8.Length)
        {
            return null;
        }

        try
        {
            var rest = utf8[(int)offset..];
            var options = new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
            var reader = new Utf8JsonReader(rest, options);
            if (!reader.Read())
            {
                return null;
            }

            // A property's path starts at its name: the value follows the colon.
            var after = rest[(int)reader.BytesConsumed..];
            var colon = after.IndexOfAnyExcept(" \t\r\n"u8);
            if (reader.TokenType == JsonTokenType.String && colon >= 0 && after[colon] == (byte)':')
            {
                rest = after[(colon + 1)..];
                rest = rest[Math.Max(0, rest.IndexOfAnyExcept(" \t\r\n"u8))..];
                reader = new Utf8JsonReader(rest, options);
                if (!reader.Read())
                {
                    return null;
                }
            }

            if (!reader.TrySkip())
            {
                return null;
            }

            var raw = rest[..(int)reader.BytesConsumed];
            var text = Encoding.UTF8.GetString(raw.Length > 60 ? raw[..57] : raw);
            return raw.Length > 60 ? text + "..." : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Adds the line and column of the error's path, or of its nearest enclosing path that the source has.</summary>
    public PolicyError Locate(PolicyError error)
    {
        var path = error.Path;
        while (true)
        {
            if (_offsets.TryGetValue(path, out var offset))
            {
                var line = _lineStarts.BinarySearch(offset);
                if (line < 0)
                {
                    line = ~line - 1;
                }

                return error with { Line = line + 1, Column = (int)(offset - _lineStarts[line]) + 1 };
            }

            if (path == JsonPath.Root || path.Length == 0)
            {
                return error;
            }

            path = Parent(path);
        }
    }

    private static string Parent(string path)
    {
        if (path.EndsWith("']", StringComparison.Ordinal))
        {
            return path[..path.LastIndexOf("['", StringComparison.Ordinal)];
        }

        if (path.EndsWith(']'))
        {
            return path[..path.LastIndexOf('[')];
        }

        var dot = path.LastIndexOf('.');
        return dot > 0 ? path[..dot] : JsonPath.Root;
    }
}
