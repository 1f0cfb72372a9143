using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>
/// What a rule proposes when it fires: a minimum route and, for routes that need a person, a minimum reviewer tier,
/// a minimum number of approvals, a deadline and what a timed-out review falls back to.
/// </summary>
public class EffectDefinition : DefinitionNode
{
    /// <summary>The minimum route. Where omitted, <see cref="Policy.RouteLevel.Review"/> (bands require it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? Route { get; set; }

    /// <summary>The minimum reviewer tier, by name from the policy's tiers.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tier { get; set; }

    /// <summary>The minimum number of distinct approvals (1 to 9).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Approvals { get; set; }

    /// <summary>The review deadline (ISO 8601 duration in JSON, for example <c>PT4H</c>); the shortest of all that fire wins.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Json.IsoDurationConverter))]
    public TimeSpan? Deadline { get; set; }

    /// <summary>What a review past its deadline falls back to: escalate or block.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? OnTimeout { get; set; }
}

/// <summary>An outcome with an optional rule id (for gates, whose id defaults to <c>scope.gate</c>).</summary>
public sealed class GateDefinition : EffectDefinition
{
    /// <summary>The rule id; defaults to the scope and the gate, for example <c>loan.approve.sensitive</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; set; }
}
