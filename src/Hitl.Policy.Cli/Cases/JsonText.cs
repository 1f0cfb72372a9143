using System.Globalization;
using System.Text.Json;

namespace Hitl.Policy.Cli.Cases;

/// <summary>Short renderings of JSON values and parser errors for messages.</summary>
internal static class JsonText
{
    private const int MaxShown = 60;

    /// <summary>A value as the user wrote it, shortened: <c>"high"</c>, <c>3</c>, <c>an object</c>.</summary>
    public static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string " + Shorten(value.GetRawText()),
        JsonValueKind.Number => "the number " + Shorten(value.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        _ => Shorten(value.GetRawText()),
    };

    /// <summary>A property name from the input, cut short when long, for a message or a path.</summary>
    public static string Name(string name) => Shorten(name);

    /// <summary>A parser error without the parser's own path suffix, with its position when known.</summary>
    /// <param name="ex">The parser's error.</param>
    /// <param name="withLine">Whether to name the line (false for a one-line document, where only the column helps).</param>
    public static string Describe(JsonException ex, bool withLine = true)
    {
        var message = JsonMessages.Plain(ex.Message);
        if (ex.LineNumber is { } line && ex.BytePositionInLine is { } column)
        {
            message += withLine
                ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, column {column + 1})")
                : string.Create(CultureInfo.InvariantCulture, $" (column {column + 1})");
        }

        return message;
    }

    private static string Shorten(string text) => text.Length <= MaxShown ? text : text[..(MaxShown - 3)] + "...";
}
