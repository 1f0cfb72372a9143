namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>What the hand-written baseline decides: the parts of a <see cref="Decision"/> a caller acts on.</summary>
/// <param name="Route">The route.</param>
/// <param name="Tier">The reviewer tier index (0 when no person is needed).</param>
/// <param name="Approvals">The approvals required (0 when no person is needed).</param>
/// <param name="DeadlineTicks">The review deadline in ticks (0 when no review).</param>
/// <param name="Flags">The decision flags.</param>
/// <param name="DecidedBy">The id of the rule that set the route, or a <see cref="BuiltInRules"/> constant.</param>
public readonly record struct BaselineDecision(RouteLevel Route, int Tier, int Approvals, long DeadlineTicks, DecisionFlags Flags, string DecidedBy)
{
    /// <summary>What a review past its deadline falls back to, as the engine reports it.</summary>
    public RouteLevel? TimeoutFallback => Route switch
    {
        RouteLevel.Review => RouteLevel.Escalate,
        RouteLevel.Escalate => RouteLevel.Block,
        _ => null,
    };

    /// <summary>Whether the engine's decision says the same thing.</summary>
    /// <param name="decision">The engine's decision.</param>
    public bool Matches(in Decision decision) =>
        decision.Route == Route && decision.RequiredTierRank == Tier && decision.RequiredApprovals == Approvals &&
        (decision.ReviewDeadline?.Ticks ?? 0) == DeadlineTicks && decision.TimeoutFallback == TimeoutFallback &&
        decision.Flags == Flags && string.Equals(decision.DecidedBy, DecidedBy, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Route.ToJsonName()} tier {Tier} approvals {Approvals} deadline {DeadlineTicks} flags [{Flags}] by {DecidedBy}";
}
