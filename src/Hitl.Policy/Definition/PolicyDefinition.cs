using System.Text.Json.Serialization;

namespace Hitl.Policy.Definition;

/// <summary>
/// A policy as written: by <see cref="PolicyBuilder"/> or read from JSON by <see cref="PolicyJson"/>. Mutable and
/// unchecked; <see cref="PolicyCompiler"/> validates it (every error at once) and compiles it into an immutable plan.
/// </summary>
public sealed class PolicyDefinition : DefinitionNode
{
    /// <summary>The JSON Schema the document claims to follow (ignored by the compiler).</summary>
    [JsonPropertyName("$schema")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schema { get; set; }

    /// <summary>The policy's id, for example <c>lending</c>. Required.</summary>
    public string? Id { get; set; }

    /// <summary>The policy's version, for example <c>2026-11-23.1</c>. Required; every decision carries it.</summary>
    public string? Version { get; set; }

    /// <summary>What the policy is for, in a sentence (shown by Explain and on review tickets).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    /// <summary>Reviewer tiers from lowest to highest, for example <c>["agent", "senior", "director"]</c>.</summary>
    /// <value>The default value is <c>["reviewer"]</c>: one tier.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Tiers { get; set; }

    /// <summary>Host-defined fields that rules may name, with their types and ranges.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, FieldDefinition>? Fields { get; set; }

    /// <summary>
    /// Values for standard flags that the host may leave out (through an <see cref="OptionalFlagAccessor{TContext}"/>, as
    /// <see cref="Signals"/> does). Without one, a left-out <c>sensitive</c> or <c>vulnerable</c> that a rule reads counts
    /// as true and as an invalid signal. Host fields declare theirs with <see cref="FieldDefinition.Default"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SignalDefaultsDefinition? SignalDefaults { get; set; }

    /// <summary>The route when a signal is invalid or a host accessor throws. Must be review or stricter.</summary>
    /// <value>The default value is <see cref="RouteLevel.Review"/>.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? OnInvalidSignal { get; set; }

    /// <summary>The route for an action type the policy does not declare. Must be review or stricter.</summary>
    /// <value>The default value is <see cref="RouteLevel.Review"/>.</value>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RouteLevel? OnUnknownAction { get; set; }

    /// <summary>Settings and rules shared by every action type.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ActionPolicyDefinition? Defaults { get; set; }

    /// <summary>Settings and rules per action type, keyed by action type (for example <c>loan.approve</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, ActionPolicyDefinition>? Actions { get; set; }

    /// <summary>Kill switches that are on as long as this policy is active.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public KillSwitchDefinition? KillSwitch { get; set; }

    /// <summary>Where each part of the definition stands in the JSON it was read from (null for builder-made policies).</summary>
    [JsonIgnore]
    internal Json.JsonSourceMap? Source { get; set; }
}

/// <summary>Values for standard flags that the host leaves out; see <see cref="PolicyDefinition.SignalDefaults"/>.</summary>
public sealed class SignalDefaultsDefinition : DefinitionNode
{
    /// <summary>The value of <c>sensitive</c> when the host leaves it out; none when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Sensitive { get; set; }

    /// <summary>The value of <c>vulnerable</c> when the host leaves it out; none when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Vulnerable { get; set; }
}
