using System.Globalization;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Measures the people in the loop. Rates use the acts on the audit trail: a reviewer's <b>agreement rate</b> is
/// approved over reviews, their <b>override rate</b> edited or rejected over reviews; a rule's rates count the final
/// verdicts of the judged cases where it fired (see <see cref="VerdictExtensions"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Rubber stamp.</b> A reviewer R is flagged when all of these hold: R answered at least
/// <see cref="OversightOptions.MinimumReviews"/> reviews; the other reviewers answered at least that many reviews on the
/// same action types; R's median review time is below <see cref="OversightOptions.RubberStampSpeedRatio"/> times the
/// median of those peer reviews; R's override rate is at most <see cref="OversightOptions.RubberStampMaxOverrideRate"/>;
/// and R's override rate is below the peers' pooled override rate.
/// </para>
/// <para>
/// <b>Drift.</b> Time is cut into windows of <see cref="OversightOptions.DriftWindow"/> from the earliest decision. For
/// every action type, rule and reviewer with at least <see cref="OversightOptions.MinimumReviews"/> trials in at least
/// two windows, the Cochran–Armitage test for trend (window index as score) gives z. With k such groups, a group is
/// flagged when z ≥ the normal quantile at 1 − <see cref="OversightOptions.DriftSignificance"/> / k (one-sided,
/// Bonferroni), and its override rate rose by at least <see cref="OversightOptions.DriftMinimumIncrease"/> from its first
/// to its last window with data.
/// </para>
/// <para>
/// <b>Bias by segment.</b> See <see cref="SegmentAnalyzer"/>, with <see cref="OversightOptions.Segments"/>.
/// </para>
/// <para>
/// <b>Auto path.</b> Per action type, the audit sample's failed over audited decisions (held samples count by their
/// verdict), with a <see cref="OversightOptions.Confidence"/> interval; flagged when the interval's lower end lies above
/// <see cref="OversightOptions.MaxAutoErrorRate"/>.
/// </para>
/// </remarks>
public static class OversightAnalyzer
{
    /// <summary>Builds the report.</summary>
    /// <param name="observedCases">The cases, for example <see cref="ObservedCaseSet.Cases"/>.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock that stamps the report; the system clock when omitted.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static OversightReport Analyze(IEnumerable<ObservedCase> observedCases, OversightOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(observedCases);
        options ??= new OversightOptions();
        options.Validate();
        var cases = observedCases.ToList();
        var reviews = cases.SelectMany(c => c.Acts.Where(a => a.IsReview && a.Actor is not null).Select(a => (Case: c, Act: a))).ToList();

        var actors = reviews.Select(r => r.Act.Actor!)
            .Concat(cases.SelectMany(c => c.Acts.Where(a => a.Kind is ActKind.Overridden or ActKind.Reversed && a.Actor is not null).Select(a => a.Actor!)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var reviewers = actors.Select(actor => Reviewer(actor, [.. reviews.Where(r => r.Act.Actor == actor)], cases)).ToList();
        var rules = cases.SelectMany(c => c.RulesFired.Distinct(StringComparer.Ordinal).Select(r => (Rule: r, Case: c)))
            .GroupBy(p => p.Rule, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Rule(g.Key, [.. g.Select(p => p.Case)])).ToList();

        return new OversightReport
        {
            GeneratedAt = (timeProvider ?? TimeProvider.System).GetUtcNow(),
            RubberStampCriterion = Text($"at least {options.MinimumReviews} reviews (and as many by peers on the same action types); median review time below {options.RubberStampSpeedRatio:0.###} x the peers' median; override rate (edited or rejected) at most {options.RubberStampMaxOverrideRate:0.0%} and below the peers'"),
            DriftTest = Text($"Cochran–Armitage trend test on the override rate across {options.DriftWindow.TotalDays:0.###}-day windows, one-sided at family-wise significance {options.DriftSignificance:0.###} (Bonferroni over the groups tested), groups with at least {options.MinimumReviews} trials in at least two windows; flagged when also rising by at least {options.DriftMinimumIncrease:0.0%} from the first to the last window with data"),
            Reviewers = reviewers,
            Rules = rules,
            RubberStamps = RubberStamps(reviews, options),
            Trends = Trends(cases, reviews, options),
            AutoPathTest = Text($"the {options.Confidence:0.###} interval of the audit sample's error rate lies above {options.MaxAutoErrorRate:0.0%}"),
            AutoPath = AutoPath(cases, options),
            Bias = SegmentAnalyzer.Analyze(cases, options.Segments),
        };
    }

    private static ReviewerStats Reviewer(string reviewer, List<(ObservedCase Case, RecordedAct Act)> acts, List<ObservedCase> cases)
    {
        var n = acts.Count;
        var approved = acts.Count(a => a.Act.Kind == ActKind.Approved);
        var edited = acts.Count(a => a.Act.Kind == ActKind.Edited);
        var rejected = acts.Count(a => a.Act.Kind == ActKind.Rejected);
        var escalated = acts.Count(a => a.Act.Kind == ActKind.Escalated);
        var waits = acts.Select(a => a.Act.Waited.TotalSeconds).Order().ToList();
        return new ReviewerStats
        {
            Reviewer = reviewer,
            Reviews = n,
            Approved = approved,
            Edited = edited,
            Rejected = rejected,
            Escalated = escalated,
            OverridesOfAutomatic = cases.Sum(c => c.Acts.Count(a => a.Kind is ActKind.Overridden or ActKind.Reversed && a.Actor == reviewer)),
            ApprovalsLaterOverridden = acts.Count(a => a.Act.Kind == ActKind.Approved && a.Case.Verdict is Verdict.Overridden or Verdict.Reversed or Verdict.AuditFailed),
            AgreementRate = Ratio(approved, n),
            OverrideRate = Ratio(edited + rejected, n),
            EscalationRate = Ratio(escalated, n),
            MedianReviewSeconds = Median(waits),
            P90ReviewSeconds = waits.Count == 0 ? null : waits[Math.Max(0, (int)Math.Ceiling(0.9 * waits.Count) - 1)],
        };
    }

    private static RuleStats Rule(string rule, List<ObservedCase> cases)
    {
        var judged = cases.Count(c => c.Verdict.IsJudged());
        return new RuleStats
        {
            RuleId = rule,
            Cases = cases.Count,
            Judged = judged,
            AgreementRate = Ratio(cases.Count(c => c.Verdict.IsAgreement()), judged),
            OverrideRate = Ratio(cases.Count(c => c.Verdict.IsOverride()), judged),
            EscalationFrequency = Ratio(cases.Count(c => c.WasEscalated), cases.Count),
            MedianReviewSeconds = Median([.. cases.Select(c => c.Acts.FirstOrDefault(a => a.IsReview)).Where(a => a is not null).Select(a => a!.Waited.TotalSeconds).Order()]),
        };
    }

    private static List<RubberStampFinding> RubberStamps(List<(ObservedCase Case, RecordedAct Act)> reviews, OversightOptions options)
    {
        var findings = new List<RubberStampFinding>();
        foreach (var mine in reviews.GroupBy(r => r.Act.Actor!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (mine.Count() < options.MinimumReviews)
            {
                continue;
            }

            var actionTypes = mine.Select(r => r.Case.ActionType).ToHashSet(StringComparer.Ordinal);
            var peers = reviews.Where(r => r.Act.Actor != mine.Key && actionTypes.Contains(r.Case.ActionType)).ToList();
            if (peers.Count < options.MinimumReviews)
            {
                continue;
            }

            var median = Median([.. mine.Select(r => r.Act.Waited.TotalSeconds).Order()])!.Value;
            var peerMedian = Median([.. peers.Select(r => r.Act.Waited.TotalSeconds).Order()])!.Value;
            var overrideRate = (double)mine.Count(r => r.Act.Kind is ActKind.Edited or ActKind.Rejected) / mine.Count();
            var peerOverrideRate = (double)peers.Count(r => r.Act.Kind is ActKind.Edited or ActKind.Rejected) / peers.Count;
            if (median < options.RubberStampSpeedRatio * peerMedian && overrideRate <= options.RubberStampMaxOverrideRate && overrideRate < peerOverrideRate)
            {
                findings.Add(new RubberStampFinding
                {
                    Reviewer = mine.Key,
                    Reviews = mine.Count(),
                    MedianReviewSeconds = median,
                    PeerMedianReviewSeconds = peerMedian,
                    OverrideRate = overrideRate,
                    PeerOverrideRate = peerOverrideRate,
                    Reason = Text($"{mine.Key} answered {mine.Count()} reviews with a median of {median:0.#} s against the peers' {peerMedian:0.#} s ({median / peerMedian:0%}), and edited or rejected {overrideRate:0.0%} of them against the peers' {peerOverrideRate:0.0%}."),
                });
            }
        }

        return findings;
    }

    private static List<DriftTrend> Trends(List<ObservedCase> cases, List<(ObservedCase Case, RecordedAct Act)> reviews, OversightOptions options)
    {
        if (cases.Count == 0)
        {
            return [];
        }

        var origin = cases.Min(c => c.DecidedAt);
        var window = options.DriftWindow.Ticks;
        int Index(DateTimeOffset at) => (int)Math.Max(0, (at - origin).Ticks / window);

        // (scope, key) -> per window (trials, overrides)
        var groups = new SortedDictionary<(DriftScope Scope, string Key), Dictionary<int, (int Trials, int Events)>>(
            Comparer<(DriftScope Scope, string Key)>.Create((a, b) => a.Scope != b.Scope ? a.Scope.CompareTo(b.Scope) : string.CompareOrdinal(a.Key, b.Key)));
        void Add(DriftScope scope, string key, int index, bool isEvent)
        {
            if (!groups.TryGetValue((scope, key), out var windows))
            {
                groups[(scope, key)] = windows = [];
            }

            var (trials, events) = windows.GetValueOrDefault(index);
            windows[index] = (trials + 1, events + (isEvent ? 1 : 0));
        }

        foreach (var c in cases.Where(c => c.Verdict.IsJudged()))
        {
            var index = Index(c.DecidedAt);
            Add(DriftScope.ActionType, c.ActionType, index, c.Verdict.IsOverride());
            foreach (var rule in c.RulesFired.Distinct(StringComparer.Ordinal))
            {
                Add(DriftScope.Rule, rule, index, c.Verdict.IsOverride());
            }
        }

        foreach (var (_, act) in reviews.Where(r => r.Act.Kind is not ActKind.Escalated))
        {
            Add(DriftScope.Reviewer, act.Actor!, Index(act.At), act.Kind is ActKind.Edited or ActKind.Rejected);
        }

        var testable = groups.Where(g => g.Value.Values.Sum(w => w.Trials) >= options.MinimumReviews && g.Value.Count >= 2).ToList();
        if (testable.Count == 0)
        {
            return [];
        }

        var critical = SpecialFunctions.NormalQuantile(1 - (options.DriftSignificance / testable.Count));
        var trends = new List<DriftTrend>(testable.Count);
        foreach (var ((scope, key), windows) in testable)
        {
            var first = windows.Keys.Min();
            var last = windows.Keys.Max();
            var trials = new int[last - first + 1];
            var events = new int[last - first + 1];
            var stats = new List<DriftWindowStats>(trials.Length);
            for (var i = first; i <= last; i++)
            {
                var (n, x) = windows.GetValueOrDefault(i);
                trials[i - first] = n;
                events[i - first] = x;
                stats.Add(new DriftWindowStats(origin + TimeSpan.FromTicks(window * i), n, x, Ratio(x, n)));
            }

            var z = TrendTest.CochranArmitage(events, trials);
            var increase = ((double)events[^1] / trials[^1]) - ((double)events[0] / trials[0]);
            trends.Add(new DriftTrend
            {
                Scope = scope,
                Key = key,
                Windows = stats,
                Z = z,
                CriticalZ = critical,
                Increase = increase,
                Flagged = z >= critical && increase >= options.DriftMinimumIncrease,
            });
        }

        return trends;
    }

    private static List<AutoPathErrorRate> AutoPath(List<ObservedCase> cases, OversightOptions options) =>
        [.. cases.GroupBy(c => c.ActionType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (ActionType: g.Key, Errors: AuditSampleErrors.Of(g, options.Confidence, options.Method)))
            .Where(a => a.Errors.Trials > 0)
            .Select(a => new AutoPathErrorRate { ActionType = a.ActionType, Errors = a.Errors, Bound = options.MaxAutoErrorRate, Flagged = a.Errors.Lower > options.MaxAutoErrorRate })];

    private static double? Ratio(int part, int whole) => whole == 0 ? null : (double)part / whole;

    private static double? Median(List<double> sorted) => sorted.Count == 0
        ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : 0.5 * (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
