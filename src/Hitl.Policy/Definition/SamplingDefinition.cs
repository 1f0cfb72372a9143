using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>
/// Deterministic audit sampling of auto-executed decisions, keyed by the host's request id: the same id always gets
/// the same answer, on every machine.
/// </summary>
public sealed class SamplingDefinition : DefinitionNode
{
    /// <summary>The share of auto-executed decisions drawn, in [0, 1].</summary>
    public double Rate { get; set; }

    /// <summary>What happens to a drawn decision.</summary>
    /// <value>The default value is <see cref="SamplingMode.Flag"/>.</value>
    public SamplingMode Mode { get; set; }
}

/// <summary>What happens to a decision drawn by the audit sample.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SamplingMode>))]
public enum SamplingMode : byte
{
    /// <summary>The action runs; the decision is flagged for an after-the-fact audit.</summary>
    [JsonStringEnumMemberName("flag")]
    Flag = 0,

    /// <summary>The decision goes to review before the action runs.</summary>
    [JsonStringEnumMemberName("review")]
    Review = 1,
}

/// <summary>Tier, approvals, deadline and timeout fallback for decisions routed to review or escalate.</summary>
public sealed class ReviewSettingsDefinition : DefinitionNode
{
    /// <summary>The reviewer tier, by name.</summary>
    /// <value>The default value is the lowest tier for review and the next tier up for escalate.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Tier { get; set; }

    /// <summary>The number of distinct approvals (1 to 9).</summary>
    /// <value>The default value is 1.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Approvals { get; set; }

    /// <summary>How long the review may wait.</summary>
    /// <value>The default value is 24 hours.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(Json.IsoDurationConverter))]
    public TimeSpan? Deadline { get; set; }

    /// <summary>What a review past its deadline falls back to: escalate or block (never approve).</summary>
    /// <value>The default value is escalate for review and block for escalate.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? OnTimeout { get; set; }
}

/// <summary>Kill switches that are on while the policy is active.</summary>
public sealed class KillSwitchDefinition : DefinitionNode
{
    /// <summary>Whether every action type is stopped.</summary>
    public bool Global { get; set; }

    /// <summary>Action types that are stopped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Actions { get; set; }
}
