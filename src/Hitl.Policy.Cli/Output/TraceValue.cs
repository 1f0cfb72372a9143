using System.Globalization;
using System.Text.Json;

namespace Hitl.Policy.Cli.Output;

/// <summary>
/// A signal value as the explain trace formats it (<c>0.97</c>, <c>"retail"</c>, <c>true (default)</c>,
/// <c>(missing)</c>, <c>0.4 (computed from factors)</c>), read back into the JSON value it stands for: a number, a
/// string, true or false, or null; with the note in parentheses kept apart. A number JSON cannot hold (NaN, an infinity)
/// is written as the string a case gives for it: "NaN", "Infinity", "-Infinity".
/// </summary>
internal readonly record struct TraceValue(JsonValueKind Kind, double Number, string? Text, string? Note)
{
    private const string Missing = "(missing)";

    public static TraceValue Parse(string formatted)
    {
        foreach (var note in (string[])["default", "computed from factors"])
        {
            var suffix = " (" + note + ")";
            if (formatted.EndsWith(suffix, StringComparison.Ordinal) && Parse(formatted[..^suffix.Length]) is { Kind: not JsonValueKind.String } value)
            {
                return value with { Note = note };
            }
        }

        if (formatted.Length >= 2 && formatted[0] == '"' && formatted[^1] == '"')
        {
            return new(JsonValueKind.String, 0, formatted[1..^1], null);
        }

        return formatted switch
        {
            Missing => new(JsonValueKind.Null, 0, null, null),
            "true" => new(JsonValueKind.True, 0, null, null),
            "false" => new(JsonValueKind.False, 0, null, null),
            _ when double.TryParse(formatted, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => double.IsFinite(number)
                ? new(JsonValueKind.Number, number, null, null)
                : new(JsonValueKind.String, 0, double.IsNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity", null),
            _ => new(JsonValueKind.String, 0, formatted, null),
        };
    }

    /// <summary>Writes the value (without its note).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case JsonValueKind.Number:
                writer.WriteNumberValue(Number);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(Kind == JsonValueKind.True);
                break;
            case JsonValueKind.Null:
                writer.WriteNullValue();
                break;
            default:
                writer.WriteStringValue(Text);
                break;
        }
    }
}
