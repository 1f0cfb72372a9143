using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>A business rule: when the condition holds, the outcome is proposed.</summary>
public sealed class RuleDefinition : DefinitionNode
{
    /// <summary>The rule id, unique in the policy. Required.</summary>
    public string? Id { get; set; }

    /// <summary>Why the rule exists, for reviewers and auditors.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    /// <summary>The condition. Required.</summary>
    public ConditionDefinition? When { get; set; }

    /// <summary>The outcome. Required.</summary>
    public EffectDefinition? Then { get; set; }
}
