using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>A host-defined field that rules may name.</summary>
public sealed class FieldDefinition : DefinitionNode
{
    /// <summary>The field's type.</summary>
    public FieldType Type { get; set; }

    /// <summary>For numbers: the smallest valid value; a smaller value is an invalid signal.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Min { get; set; }

    /// <summary>For numbers: the largest valid value; a larger value is an invalid signal.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Max { get; set; }

    /// <summary>For text: whether a missing (null) value is an invalid signal. Numbers are always required to be finite.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Required { get; set; }

    /// <summary>
    /// The value to use when the host leaves the field out (a NaN number, a null text, an unset flag). Without one, a
    /// left-out value that a rule reads is an invalid signal: a flag counts as the value that makes the rule apply, and the
    /// decision stops for a person. Declare a default only where leaving the value out is known to be safe.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Default { get; set; }

    /// <summary>What the field means (for Explain and review tickets).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }
}
