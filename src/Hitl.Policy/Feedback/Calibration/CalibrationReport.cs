namespace Hitl.Policy.Feedback;

/// <summary>
/// How often people agreed with the model, per action type and confidence band, and which auto-execute thresholds the
/// evidence supports. Serialise with <see cref="ToJson"/>; show with <see cref="ToText"/>.
/// </summary>
public sealed record CalibrationReport
{
    /// <summary>The id of the policy the bands and current thresholds come from, when one was given.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The version of that policy.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>When the report was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The agreement rate a threshold must meet.</summary>
    public required double Target { get; init; }

    /// <summary>The confidence level of intervals and bounds.</summary>
    public required double Confidence { get; init; }

    /// <summary>How intervals were computed.</summary>
    public required IntervalMethod Method { get; init; }

    /// <summary>The fewest judged cases behind any recommended threshold.</summary>
    public required int MinimumSample { get; init; }

    /// <summary>Where the bands come from.</summary>
    public required BandSource BandSource { get; init; }

    /// <summary>How many cases the report covers.</summary>
    public required int CaseCount { get; init; }

    /// <summary>The figures per action type, ordered by action type.</summary>
    public required IReadOnlyList<ActionCalibration> Actions { get; init; }

    /// <summary>The report as indented JSON (source-generated, no reflection).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => FeedbackJson.Serialize(this);

    /// <summary>The report as plain-text tables for a terminal.</summary>
    /// <returns>The text.</returns>
    public string ToText() => CalibrationText.Render(this);
}
