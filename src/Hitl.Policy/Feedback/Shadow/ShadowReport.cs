namespace Hitl.Policy.Feedback;

/// <summary>
/// A shadow run joined with the audit trail by case id: where a candidate policy differs from the active one, and what
/// reviewers decided on those cases. Serialise with <see cref="ToJson"/>; show with <see cref="ToText"/>.
/// </summary>
public sealed record ShadowReport
{
    /// <summary>The active policy, as <c>id@version</c>.</summary>
    public required string ActivePolicy { get; init; }

    /// <summary>The candidate policy, as <c>id@version</c>.</summary>
    public required string CandidatePolicy { get; init; }

    /// <summary>When the report was made.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>How many cases were compared.</summary>
    public int Observed { get; init; }

    /// <summary>How many differ.</summary>
    public int Differing { get; init; }

    /// <summary>Differences counted but not kept by the evaluator (so not in <see cref="Cases"/>).</summary>
    public int DroppedDifferences { get; init; }

    /// <summary>The comparison per action type, ordered by action type.</summary>
    public required IReadOnlyList<ShadowActionSummary> Actions { get; init; }

    /// <summary>Every kept differing case with its verdict.</summary>
    public required IReadOnlyList<ShadowCase> Cases { get; init; }

    /// <summary>Joins a shadow run with observed cases.</summary>
    /// <param name="run">The run.</param>
    /// <param name="observedCases">The cases read from the audit trail.</param>
    /// <param name="timeProvider">The clock that stamps the report; the system clock when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    public static ShadowReport Build(ShadowRun run, IEnumerable<ObservedCase> observedCases, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(observedCases);
        var byCase = new Dictionary<string, ObservedCase>(StringComparer.Ordinal);
        foreach (var observedCase in observedCases)
        {
            byCase.TryAdd(observedCase.CaseId, observedCase);
        }

        var cases = run.Differences.Select(d =>
        {
            var observedCase = byCase.GetValueOrDefault(d.CaseId);
            IReadOnlyList<string> reviewers = observedCase is null ? [] : [.. observedCase.Acts.Where(a => a.Actor is not null).Select(a => a.Actor!).Distinct(StringComparer.Ordinal)];
            return new ShadowCase(d, observedCase?.Verdict, reviewers);
        }).ToList();

        var actions = run.Observed.Keys.Union(cases.Select(c => c.Difference.ActionType ?? "(none)"), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(action =>
            {
                var mine = cases.Where(c => string.Equals(c.Difference.ActionType ?? "(none)", action, StringComparison.Ordinal)).ToList();
                return new ShadowActionSummary
                {
                    ActionType = action,
                    Observed = run.Observed.GetValueOrDefault(action),
                    Differing = mine.Count,
                    CandidateLooser = mine.Count(c => c.Difference.Kind == ShadowDifferenceKind.CandidateLooser),
                    CandidateStricter = mine.Count(c => c.Difference.Kind == ShadowDifferenceKind.CandidateStricter),
                    TierOnly = mine.Count(c => c.Difference.Kind == ShadowDifferenceKind.Tier),
                    CandidateFaults = mine.Count(c => c.Difference.Kind == ShadowDifferenceKind.CandidateFault),
                    LooserVerdicts = Count(mine.Where(c => c.Difference.Kind == ShadowDifferenceKind.CandidateLooser)),
                    StricterVerdicts = Count(mine.Where(c => c.Difference.Kind == ShadowDifferenceKind.CandidateStricter)),
                };
            }).ToList();

        return new ShadowReport
        {
            ActivePolicy = run.ActivePolicy,
            CandidatePolicy = run.CandidatePolicy,
            GeneratedAt = (timeProvider ?? TimeProvider.System).GetUtcNow(),
            Observed = run.Observed.Values.Sum(),
            Differing = cases.Count + run.DroppedDifferences,
            DroppedDifferences = run.DroppedDifferences,
            Actions = actions,
            Cases = cases,
        };
    }

    /// <summary>The report as indented JSON (source-generated, no reflection).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => FeedbackJson.Serialize(this);

    /// <summary>The report as plain-text tables for a terminal.</summary>
    /// <returns>The text.</returns>
    public string ToText() => ShadowText.Render(this);

    private static VerdictCounts Count(IEnumerable<ShadowCase> cases)
    {
        int agreed = 0, overridden = 0, unjudged = 0, missing = 0;
        foreach (var c in cases)
        {
            switch (c.Verdict)
            {
                case null: missing++; break;
                case { } v when v.IsAgreement(): agreed++; break;
                case { } v when v.IsOverride(): overridden++; break;
                default: unjudged++; break;
            }
        }

        return new VerdictCounts(agreed, overridden, unjudged, missing);
    }
}
