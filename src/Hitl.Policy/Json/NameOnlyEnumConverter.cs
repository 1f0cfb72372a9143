using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Json;

/// <summary>
/// Reads and writes an enum by its JSON name only. <see cref="JsonStringEnumConverter{TEnum}"/> also accepts numbers
/// (<c>"route": 42</c>) and digit strings (<c>"route": "0"</c>, read as auto-execute) unless told otherwise; a policy
/// that says <c>0</c> means nothing a person can review, so both are refused here.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
internal sealed class NameOnlyEnumConverter<TEnum> : JsonConverterFactory
    where TEnum : struct, Enum
{
    private readonly JsonStringEnumConverter<TEnum> _names = new(namingPolicy: null, allowIntegerValues: false);

    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(TEnum);

    public override JsonConverter? CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        new Converter((JsonConverter<TEnum>)_names.CreateConverter(typeToConvert, options)!);

    private sealed class Converter(JsonConverter<TEnum> names) : JsonConverter<TEnum>
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                var raw = reader.TokenType is JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False
                    ? " " + System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
                    : "";
                throw new JsonException($"Expected the name of a {typeof(TEnum).Name} value as a string, found {reader.TokenType}{raw}; numbers are not names.");
            }

            var text = reader.GetString();
            if (string.IsNullOrEmpty(text) || !char.IsAsciiLetter(text[0]) || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            {
                throw new JsonException($"'{text}' is not the name of a {typeof(TEnum).Name} value; numbers are not names.");
            }

            return names.Read(ref reader, typeToConvert, options);
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => names.Write(writer, value, options);
    }
}
