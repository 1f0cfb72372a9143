using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>Base of every part of a policy definition.</summary>
public abstract class DefinitionNode
{
    /// <summary>
    /// Properties in a policy document that are not part of the format. Kept so that validation can report each one
    /// with its path instead of silently ignoring a typo.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownProperties { get; set; }
}
