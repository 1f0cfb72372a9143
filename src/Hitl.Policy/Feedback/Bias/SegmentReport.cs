namespace Hitl.Policy.Feedback;

/// <summary>
/// Bias by segment: per action type and segment value the outcomes with confidence intervals, and the values the policy
/// or the reviewers treat markedly and significantly worse than the best-treated value. Serialise with
/// <see cref="ToJson"/>; show with <see cref="ToText"/>. Made by <see cref="SegmentAnalyzer"/>.
/// </summary>
public sealed record SegmentReport
{
    /// <summary>The test applied, with its numbers.</summary>
    public required string Criterion { get; init; }

    /// <summary>How many tests were run: the size of the family Holm's adjustment runs over.</summary>
    public int Tests { get; init; }

    /// <summary>The ratio a finding's rate stayed below (<see cref="SegmentOptions.FourFifths"/>).</summary>
    public double FourFifths { get; init; }

    /// <summary>The family-wise level the adjusted p-values were held to (<see cref="SegmentOptions.Significance"/>).</summary>
    public double Significance { get; init; }

    /// <summary>Per action type, segment name and value (ordinal order), the outcomes.</summary>
    public required IReadOnlyList<SegmentOutcomes> Segments { get; init; }

    /// <summary>The findings, by action type, segment, source and value.</summary>
    public required IReadOnlyList<DisparityFinding> Findings { get; init; }

    /// <summary>The report as indented JSON (source-generated, no reflection).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => FeedbackJson.Serialize(this);

    /// <summary>The report as plain text for a terminal: a "Bias by segment" section, case data escaped.</summary>
    /// <returns>The text.</returns>
    public string ToText() => SegmentText.Render(this);
}
