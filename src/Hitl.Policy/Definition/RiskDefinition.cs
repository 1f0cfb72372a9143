using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>Risk thresholds, and the weighted factors risk is computed from when the host does not give it.</summary>
public sealed class RiskDefinition : DefinitionNode
{
    /// <summary>
    /// When given, risk is the weighted mean of these host-defined numeric fields (each in [0, 1]) instead of the
    /// host's risk signal.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RiskFactorDefinition>? Factors { get; set; }

    /// <summary>Thresholds: at or above a threshold's risk, the route is at least the threshold's route.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RiskThresholdDefinition>? Thresholds { get; set; }
}

/// <summary>One weighted risk factor.</summary>
public sealed class RiskFactorDefinition : DefinitionNode
{
    /// <summary>A host-defined numeric field whose values lie in [0, 1].</summary>
    public string? Field { get; set; }

    /// <summary>The factor's weight, greater than 0.</summary>
    public double Weight { get; set; }
}

/// <summary>A risk threshold rule.</summary>
public sealed class RiskThresholdDefinition : EffectDefinition
{
    /// <summary>The rule id. Required.</summary>
    public string? Id { get; set; }

    /// <summary>The rule fires when risk is at least this value (in [0, 1]).</summary>
    public double AtLeast { get; set; }
}

/// <summary>An impact tier rule: by amount or by category (exactly one of them).</summary>
public sealed class ImpactTierDefinition : EffectDefinition
{
    /// <summary>The rule id. Required.</summary>
    public string? Id { get; set; }

    /// <summary>The tier applies when the amount is at least this value.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? AmountAtLeast { get; set; }

    /// <summary>The tier applies when the category is one of these.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Categories { get; set; }
}

/// <summary>An evidence-quality rule.</summary>
public sealed class EvidenceThresholdDefinition : EffectDefinition
{
    /// <summary>The rule id. Required.</summary>
    public string? Id { get; set; }

    /// <summary>The rule fires when evidence quality is below this value (in (0, 1]).</summary>
    public double Below { get; set; }
}

/// <summary>Gates for actions that are hard to undo. Irreversible actions never run with notice only, whatever is set here.</summary>
public sealed class ReversibilityDefinition : DefinitionNode
{
    /// <summary>The outcome for actions that are costly to reverse.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GateDefinition? CostlyToReverse { get; set; }

    /// <summary>The outcome for irreversible actions (a stronger floor than the built-in one).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GateDefinition? Irreversible { get; set; }
}
