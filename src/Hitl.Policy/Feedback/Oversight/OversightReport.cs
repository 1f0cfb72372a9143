namespace Hitl.Policy.Feedback;

/// <summary>
/// The quality of oversight: per reviewer and per rule, agreement and override rates and review times; reviewers who look
/// like rubber stamps; override rates that drift upwards; the auto path's error rate per action type; outcomes by
/// segment with disparity tests (<see cref="Bias"/>). Serialise with
/// <see cref="ToJson"/>; show with <see cref="ToText"/>.
/// </summary>
public sealed record OversightReport
{
    /// <summary>When the report was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The rubber-stamp criterion applied, with its numbers.</summary>
    public required string RubberStampCriterion { get; init; }

    /// <summary>The drift test applied, with its numbers.</summary>
    public required string DriftTest { get; init; }

    /// <summary>Per person who reviewed, overrode or reversed, ordered by name.</summary>
    public required IReadOnlyList<ReviewerStats> Reviewers { get; init; }

    /// <summary>Per rule, ordered by rule id.</summary>
    public required IReadOnlyList<RuleStats> Rules { get; init; }

    /// <summary>Reviewers flagged as rubber stamps.</summary>
    public required IReadOnlyList<RubberStampFinding> RubberStamps { get; init; }

    /// <summary>Every trend tested (action types, rules, reviewers with enough data).</summary>
    public required IReadOnlyList<DriftTrend> Trends { get; init; }

    /// <summary>The trends flagged as drift.</summary>
    public IReadOnlyList<DriftTrend> Drifts => [.. Trends.Where(t => t.Flagged)];

    /// <summary>The auto path's error rate per action type with audited decisions, ordered by action type.</summary>
    public IReadOnlyList<AutoPathErrorRate> AutoPath { get; init; } = [];

    /// <summary>The auto-path error test applied, with its numbers.</summary>
    public string AutoPathTest { get; init; } = "";

    /// <summary>
    /// Outcomes by action type and segment (the groups recorded on the decisions), with disparity tests between
    /// segments: the automated route and the reviewers' answers apart.
    /// </summary>
    public SegmentReport? Bias { get; init; }

    /// <summary>
    /// Whether anything crossed its threshold: a rubber stamp, a drift, an auto path above its bound or a disparity
    /// between segments. A nightly job fails on this (<c>hitl oversight</c> exits 1).
    /// </summary>
    public bool HasFindings => RubberStamps.Count > 0 || Trends.Any(t => t.Flagged) || AutoPath.Any(a => a.Flagged) || Bias?.Findings.Count > 0;

    /// <summary>The report as indented JSON (source-generated, no reflection).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => FeedbackJson.Serialize(this);

    /// <summary>The report as plain-text tables for a terminal.</summary>
    /// <returns>The text.</returns>
    public string ToText() => OversightText.Render(this);
}
