namespace Hitl.Policy.Feedback;

/// <summary>The override rate of one action type, rule or reviewer across time windows, and the trend test on it.</summary>
public sealed record DriftTrend
{
    /// <summary>What the rate is measured over.</summary>
    public required DriftScope Scope { get; init; }

    /// <summary>The action type, rule id or reviewer.</summary>
    public required string Key { get; init; }

    /// <summary>The windows, oldest first (empty ones included, so that the scores are evenly spaced in time).</summary>
    public required IReadOnlyList<DriftWindowStats> Windows { get; init; }

    /// <summary>The Cochran–Armitage trend statistic (positive: rising).</summary>
    public double Z { get; init; }

    /// <summary>The critical value it had to reach: the normal quantile at 1 − significance / groups tested.</summary>
    public double CriticalZ { get; init; }

    /// <summary>The last window's rate minus the first window's (windows with data).</summary>
    public double Increase { get; init; }

    /// <summary>Whether the trend counts as drift: <see cref="Z"/> ≥ <see cref="CriticalZ"/> and <see cref="Increase"/> ≥ the minimum increase.</summary>
    public bool Flagged { get; init; }
}
