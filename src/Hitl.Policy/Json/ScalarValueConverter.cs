using System.Text.Json;
using System.Text.Json.Serialization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Json;

/// <summary>Reads and writes <see cref="ScalarValue"/> as a JSON number, string or boolean.</summary>
public sealed class ScalarValueConverter : JsonConverter<ScalarValue>
{
    /// <inheritdoc />
    public override ScalarValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => ScalarValue.FromNumber(reader.GetDouble()),
        JsonTokenType.String => ScalarValue.FromText(reader.GetString()!),
        JsonTokenType.True => ScalarValue.FromFlag(true),
        JsonTokenType.False => ScalarValue.FromFlag(false),
        _ => throw new JsonException($"Expected a number, a string or true/false, found {reader.TokenType}."),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ScalarValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case FieldType.Number:
                writer.WriteNumberValue(value.Number);
                break;
            case FieldType.Flag:
                writer.WriteBooleanValue(value.Flag);
                break;
            default:
                writer.WriteStringValue(value.Text);
                break;
        }
    }
}
