using System.Text.Json;
using System.Text.Json.Serialization;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// The JSON form of a <see cref="CaseRecord"/> that stores persist and that <c>hitl cases export</c> writes: camel-case
/// names, enums as their names, nulls left out. Source-generated (no reflection; trimming and AOT safe).
/// </summary>
public static class CaseRecordJson
{
    /// <summary>Writes a case as one line of JSON.</summary>
    /// <param name="record">The case.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(CaseRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Serialize(record, CaseJsonContext.Default.CaseRecord);
    }

    /// <summary>
    /// A string as <see cref="Serialize"/> writes it inside a case document, quotes and escapes included: a store that
    /// searches the document's text for a person (before it parses the lists they may be in) looks for this.
    /// </summary>
    /// <param name="value">The string.</param>
    /// <returns>Its JSON text.</returns>
    public static string StringAsWritten(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.Serialize(value, CaseJsonContext.Default.String);
    }

    /// <summary>Reads a case back.</summary>
    /// <param name="json">The JSON <see cref="Serialize"/> wrote.</param>
    /// <returns>The case.</returns>
    /// <exception cref="JsonException">The text is not a case (the message says where).</exception>
    public static CaseRecord Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, CaseJsonContext.Default.CaseRecord)
            ?? throw new JsonException("A case record is null.");
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    Converters = [typeof(DecisionFlagsJsonConverter)])]
[JsonSerializable(typeof(CaseRecord))]
[JsonSerializable(typeof(string))]
internal sealed partial class CaseJsonContext : JsonSerializerContext;
