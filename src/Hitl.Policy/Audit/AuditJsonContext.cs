using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Audit;

/// <summary>
/// Source-generated serialization of audit entries: no reflection, trimming and AOT safe. Together with
/// <see cref="AuditChain"/> it defines the canonical form that records are hashed in, so every setting here is part
/// of the trail's format: camel-case names in declaration order, no whitespace, nulls left out (so a member added
/// later does not change the hash of older records), NaN and infinities as named literals (an invalid signal must
/// still be recordable), flags by their kebab-case names and <see cref="AuditEntry.Data"/> with its keys in ordinal order.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    Converters = [typeof(DecisionFlagsJsonConverter), typeof(AuditDataJsonConverter)])]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(AuditJsonLine.Document))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
