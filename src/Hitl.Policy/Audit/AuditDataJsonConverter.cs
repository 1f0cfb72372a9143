using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Audit;

/// <summary>
/// Writes <see cref="AuditEntry.Data"/> with its keys in ordinal order, so that two entries with the same facts hash
/// the same whatever order the host added them in. Reading refuses a key given twice.
/// </summary>
internal sealed class AuditDataJsonConverter : JsonConverter<IReadOnlyDictionary<string, string>>
{
    public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"'data' must be an object, found {reader.TokenType}.");
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String
                ? reader.GetString()!
                : throw new JsonException($"'data.{key}' must be a string, found {reader.TokenType}.");
            if (!data.TryAdd(key, value))
            {
                throw new JsonException($"'data.{key}' is given twice.");
            }
        }

        return data;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options)
    {
        var keys = new string[value.Count];
        var i = 0;
        foreach (var pair in value)
        {
            keys[i++] = pair.Key;
        }

        Array.Sort(keys, StringComparer.Ordinal);
        writer.WriteStartObject();
        foreach (var key in keys)
        {
            writer.WriteString(key, value[key]);
        }

        writer.WriteEndObject();
    }
}
