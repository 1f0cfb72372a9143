using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Hitl.Policy.Json;

/// <summary>Reads and writes a <see cref="TimeSpan"/> as an ISO 8601 duration such as <c>PT4H</c> or <c>P1DT30M</c>.</summary>
public sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    /// <inheritdoc />
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected an ISO 8601 duration such as \"PT4H\", found {reader.TokenType}.");
        }

        var text = reader.GetString()!;
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            throw new JsonException($"'{text}' is not an ISO 8601 duration such as \"PT4H\" or \"P1DT30M\".");
        }
        catch (OverflowException)
        {
            throw new JsonException($"'{text}' is too long a duration.");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(XmlConvert.ToString(value));
    }
}
