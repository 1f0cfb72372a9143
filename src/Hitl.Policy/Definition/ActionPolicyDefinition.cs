using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>
/// Settings and rules for one action type, or the shared defaults. For an action type, rule lists (bands aside)
/// add to the defaults' lists; single settings replace the defaults' settings.
/// </summary>
public sealed class ActionPolicyDefinition : DefinitionNode
{
    /// <summary>
    /// The default route: the answer when no rule fires, and the floor under every decision (rules only raise it).
    /// </summary>
    /// <value>The default value is <see cref="RouteLevel.AutoExecute"/>.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? Route { get; set; }

    /// <summary>Confidence bands covering [0, 1] without gaps or overlaps. Replace the defaults' bands when given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ConfidenceBandDefinition>? ConfidenceBands { get; set; }

    /// <summary>Risk thresholds, and optionally the weighted factors risk is computed from.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RiskDefinition? Risk { get; set; }

    /// <summary>Impact tiers by amount or category that pick reviewer tier and approvals.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ImpactTierDefinition>? ImpactTiers { get; set; }

    /// <summary>Evidence-quality thresholds: below a threshold, the route is at least the threshold's route.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<EvidenceThresholdDefinition>? Evidence { get; set; }

    /// <summary>Gates for actions that are costly or impossible to reverse.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReversibilityDefinition? Reversibility { get; set; }

    /// <summary>The outcome when the output touches sensitive matters.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GateDefinition? Sensitive { get; set; }

    /// <summary>The outcome when the affected person is vulnerable.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GateDefinition? Vulnerable { get; set; }

    /// <summary>Business rules: conditions over signals and host-defined fields.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<RuleDefinition>? Rules { get; set; }

    /// <summary>Deterministic audit sampling of auto-executed decisions.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SamplingDefinition? Sampling { get; set; }

    /// <summary>Tier, approvals and deadline for decisions routed to review.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReviewSettingsDefinition? Review { get; set; }

    /// <summary>Tier, approvals and deadline for decisions routed to escalate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReviewSettingsDefinition? Escalate { get; set; }
}
