namespace Hitl.Policy;

/// <summary>
/// The names a decision refers to by index: the policy's id and version, the reviewer tiers, the signal names,
/// and the rule ids of one action type in evaluation order. Shared by every decision of that action type.
/// </summary>
internal sealed class ActionRuleTable(PolicyNames policy, string actionType, string[] ruleIds)
{
    public PolicyNames Policy { get; } = policy;

    public string ActionType { get; } = actionType;

    public string[] RuleIds { get; } = ruleIds;
}

/// <summary>Names shared by every action type of one compiled policy.</summary>
internal sealed class PolicyNames(string id, string version, string[] tiers, string[] signals)
{
    public string Id { get; } = id;

    public string Version { get; } = version;

    public string[] Tiers { get; } = tiers;

    public string[] Signals { get; } = signals;
}
