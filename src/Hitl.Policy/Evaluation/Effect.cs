namespace Hitl.Policy.Evaluation;

/// <summary>What a compiled rule proposes; combined by taking the most restrictive of each part.</summary>
internal readonly record struct Effect(RouteLevel Route, byte Tier, byte Approvals, long DeadlineTicks, RouteLevel OnTimeout)
;
