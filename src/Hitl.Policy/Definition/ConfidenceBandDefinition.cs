namespace Hitl.Policy.Definition;

/// <summary>
/// A confidence band [<see cref="Min"/>, <see cref="Max"/>): the lower bound is included, the upper bound is not,
/// except a band ending at 1, which includes 1. Bands of one scope cover [0, 1] without gaps or overlaps, and a
/// higher band is never more restrictive than a lower one.
/// </summary>
public sealed class ConfidenceBandDefinition : EffectDefinition
{
    /// <summary>The rule id. Required.</summary>
    public string? Id { get; set; }

    /// <summary>The lowest confidence in the band (included).</summary>
    public double Min { get; set; }

    /// <summary>The highest confidence of the band (excluded, unless it is 1).</summary>
    public double Max { get; set; }
}
