namespace Hitl.Policy.Feedback;

/// <summary>
/// A segment value whose rate is both well below the reference value's (below the four-fifths ratio) and significantly
/// different from it after Holm's adjustment over every test of the report.
/// </summary>
public sealed record DisparityFinding
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>The segment's name.</summary>
    public required string Segment { get; init; }

    /// <summary>The disadvantaged value.</summary>
    public required string Value { get; init; }

    /// <summary>Whose decisions differ: the policy's route or the reviewers' answers.</summary>
    public DisparitySource Source { get; init; }

    /// <summary>The rate compared: <c>auto-execute</c> (<see cref="DisparitySource.Automated"/>) or <c>approval</c> (<see cref="DisparitySource.Human"/>).</summary>
    public required string Outcome { get; init; }

    /// <summary>The value's rate.</summary>
    public double Rate { get; init; }

    /// <summary>The value's trials: its cases (auto-execute) or its answered reviews (approval).</summary>
    public int Trials { get; init; }

    /// <summary>The reference value: the tested value with the highest rate (on a tie, the ordinal-first).</summary>
    public required string ReferenceValue { get; init; }

    /// <summary>The reference value's rate.</summary>
    public double ReferenceRate { get; init; }

    /// <summary>The reference value's trials.</summary>
    public int ReferenceTrials { get; init; }

    /// <summary><see cref="Rate"/> / <see cref="ReferenceRate"/>.</summary>
    public double Ratio { get; init; }

    /// <summary>The two-sided p-value of the test of the value against the reference.</summary>
    public double PValue { get; init; }

    /// <summary>The p-value after Holm's adjustment over every test of the report.</summary>
    public double AdjustedPValue { get; init; }

    /// <summary>The test: <c>fisher-exact</c> or <c>two-proportion-z</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The finding in a sentence.</summary>
    public required string Reason { get; init; }
}
