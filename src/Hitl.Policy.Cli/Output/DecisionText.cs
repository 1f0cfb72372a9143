using System.Xml;

namespace Hitl.Policy.Cli.Output;

/// <summary>The names the CLI prints for parts of a decision: the same words the policy file uses.</summary>
internal static class DecisionText
{
    private static readonly (DecisionFlags Flag, string Name)[] Named =
    [
        (DecisionFlags.SampledForAudit, "sampled-for-audit"),
        (DecisionFlags.KillSwitchActive, "kill-switch-active"),
        (DecisionFlags.InvalidSignal, "invalid-signal"),
        (DecisionFlags.UnknownActionType, "unknown-action-type"),
        (DecisionFlags.RuleFault, "rule-fault"),
        (DecisionFlags.IrreversibleRaised, "irreversible-raised"),
        (DecisionFlags.FiredRulesTruncated, "fired-rules-truncated"),
    ];

    /// <summary>The flags that are set, by their JSON names.</summary>
    public static IEnumerable<string> Flags(DecisionFlags flags) =>
        Named.Where(f => (flags & f.Flag) != 0).Select(f => f.Name);

    /// <summary>Every flag name, in the order decisions list them.</summary>
    public static IReadOnlyList<string> FlagNames { get; } = [.. Named.Select(f => f.Name)];

    /// <summary>
    /// The action type a decision was made for, as the case gave it. For an action type the policy does not declare the
    /// decision names the policy's fallback plan (<c>*</c>); the author knows the case's own name.
    /// </summary>
    public static string? Action(Decision decision, string? caseAction) =>
        (decision.Flags & DecisionFlags.UnknownActionType) != 0 ? caseAction : decision.ActionType ?? caseAction;

    /// <summary>Whether a name is one of the flag names.</summary>
    public static bool IsFlag(string name) => Named.Any(f => f.Name == name);

    /// <summary>A duration as ISO 8601 (<c>PT4H</c>), as the policy file writes deadlines.</summary>
    public static string Duration(TimeSpan value) => XmlConvert.ToString(value);

    /// <summary>
    /// A one-line summary a person reads: <c>review, tier senior, 2 approvals, deadline PT4H then escalate</c>. Names
    /// that come from files (the tier) are escaped for the terminal (<see cref="TerminalText"/>; escaping is idempotent,
    /// so text that passes through a table or the safe writer again is unchanged).
    /// </summary>
    public static string Summary(Decision decision)
    {
        var parts = new List<string> { decision.Route.ToJsonName() };
        if (decision.RequiredTier is { } tier)
        {
            parts.Add("tier " + TerminalText.Cell(tier));
        }

        if (decision.RequiresHuman && decision.Route != RouteLevel.Block)
        {
            parts.Add(Approvals(decision.RequiredApprovals));
        }

        if (decision.ReviewDeadline is { } deadline)
        {
            parts.Add("deadline " + Duration(deadline) + (decision.TimeoutFallback is { } then ? " then " + then.ToJsonName() : ""));
        }

        return string.Join(", ", parts);
    }

    /// <summary><c>1 approval</c>, <c>2 approvals</c>.</summary>
    public static string Approvals(int count) =>
        count.ToString(System.Globalization.CultureInfo.InvariantCulture) + (count == 1 ? " approval" : " approvals");
}
