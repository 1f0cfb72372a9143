namespace Hitl.Policy;

/// <summary>One rule in a <see cref="DecisionTrace"/>: what it tests, what it read, whether it fired, and what it proposes.</summary>
public sealed record RuleTrace
{
    /// <summary>The rule id.</summary>
    public required string RuleId { get; init; }

    /// <summary>Where the rule came from.</summary>
    public required RuleKind Kind { get; init; }

    /// <summary>The condition, readable, for example <c>all(loan.amount &gt; 10000, customer.segment == "new")</c>.</summary>
    public required string Condition { get; init; }

    /// <summary>The signal values the condition reads.</summary>
    public required IReadOnlyList<TraceInput> Inputs { get; init; }

    /// <summary>Whether the condition held.</summary>
    public required bool Fired { get; init; }

    /// <summary>The route the rule proposes when it fires.</summary>
    public required RouteLevel ProposedRoute { get; init; }

    /// <summary>The reviewer tier the rule proposes, by name, when it sets one.</summary>
    public string? ProposedTier { get; init; }

    /// <summary>The approvals the rule asks for (0 when it sets none).</summary>
    public int ProposedApprovals { get; init; }

    /// <summary>The rule's description from the policy.</summary>
    public string? Description { get; init; }

    /// <summary>The message of the exception a host accessor threw while this rule was evaluated.</summary>
    public string? Fault { get; init; }
}
