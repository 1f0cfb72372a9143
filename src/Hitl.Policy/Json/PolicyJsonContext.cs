using System.Text.Json;
using System.Text.Json.Serialization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Json;

/// <summary>Source-generated serialization for policy documents: no reflection at run time, trimming and AOT safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.Strict,
    AllowDuplicateProperties = false,
    Converters = [typeof(NameOnlyEnumConverter<RouteLevel>), typeof(NameOnlyEnumConverter<FieldType>), typeof(NameOnlyEnumConverter<SamplingMode>)])]
[JsonSerializable(typeof(PolicyDefinition))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
