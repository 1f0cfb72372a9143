using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>
/// A condition: either a comparison on one field (<see cref="Field"/> with exactly one operator), or a combination
/// (<see cref="All"/>, <see cref="Any"/> or <see cref="Not"/>). Combinations nest.
/// </summary>
/// <remarks>
/// On the standard signals that have a risky direction (confidence, risk, evidence, amount, reversibility,
/// sensitive, vulnerable) only comparisons that fire more as the signal gets riskier are allowed (inverted under
/// <see cref="Not"/>), so that the policy stays monotone.
/// </remarks>
public sealed class ConditionDefinition : DefinitionNode
{
    /// <summary>The field or standard signal compared.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Field { get; set; }

    /// <summary>Equal to (number, text, flag or reversibility name).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Eq { get; set; }

    /// <summary>Not equal to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Ne { get; set; }

    /// <summary>Greater than (number, or reversibility name).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Gt { get; set; }

    /// <summary>Greater than or equal to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Gte { get; set; }

    /// <summary>Less than.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Lt { get; set; }

    /// <summary>Less than or equal to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScalarValue? Lte { get; set; }

    /// <summary>One of these values.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ScalarValue>? In { get; set; }

    /// <summary>Between two numbers, both included: <c>[low, high]</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<double>? Between { get; set; }

    /// <summary>All of these conditions hold.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ConditionDefinition>? All { get; set; }

    /// <summary>At least one of these conditions holds.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ConditionDefinition>? Any { get; set; }

    /// <summary>This condition does not hold.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConditionDefinition? Not { get; set; }
}
