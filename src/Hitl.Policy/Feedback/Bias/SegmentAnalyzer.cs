using System.Globalization;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Bias by segment: breaks the outcomes of the cases down by the segments they carry (see
/// <see cref="ObservedCase.Segments"/>) and finds the segment values that the policy auto-executes, or the reviewers
/// approve, markedly and significantly less often than the best-treated value.
/// </summary>
/// <remarks>
/// <para>
/// <b>Breakdown.</b> A case counts under every segment name it carries (and only those): one row per action type,
/// segment name and value. A reviewed case is one routed to review or escalation; its human outcome is its last
/// approve, edit or reject act, and it is an <i>answered review</i> when it has one. An edit ends approved (edited, then
/// approved), so the approval rate counts approved and edited answers.
/// </para>
/// <para>
/// <b>Tests.</b> For every action type and segment name, and for each source, the values with at least
/// <see cref="SegmentOptions.MinimumSample"/> trials are tested: the <see cref="DisparitySource.Automated"/> source on the
/// auto-execute rate (trials: cases), the <see cref="DisparitySource.Human"/> source on the approval rate (trials:
/// answered reviews). With two or more such values, <b>every pair</b> is compared two-sided: by Fisher's exact test
/// when any expected cell of the 2×2 table is below 5, else by the pooled two-proportion z test. Every p-value of the
/// report forms one family, adjusted by Holm's step-down method (<see cref="SegmentReport.Tests"/> is its size).
/// </para>
/// <para>
/// <b>Findings.</b> The reference of a group is its tested value with the highest rate (on a tie, the ordinal-first).
/// A value other than the reference is a finding when the reference rate is above 0, the value's rate over the
/// reference's is below <see cref="SegmentOptions.FourFifths"/>, and the Holm-adjusted p-value of the pair (value,
/// reference) is below <see cref="SegmentOptions.Significance"/>.
/// </para>
/// <para>
/// Picking the reference by its observed rate selects the pairs most likely to differ; had only those pairs been
/// tested, the family of tests would have been chosen after seeing the data and its error rate would exceed the level.
/// Testing every pair, and adjusting them all together, makes the family fixed in advance: whichever value turns out to
/// be the reference, its pairs are among the tests adjusted, so the chance of any finding where no segment value
/// differs (the family-wise error rate) stays at most <see cref="SegmentOptions.Significance"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var observed = ObservedCases.Collect(records);
/// var report = SegmentAnalyzer.Analyze(observed.Cases, new SegmentOptions { Segments = ["region"] });
/// Console.Write(report.ToText());
/// </code>
/// </example>
public static class SegmentAnalyzer
{
    /// <summary>The <see cref="DisparityFinding.Outcome"/> of the <see cref="DisparitySource.Automated"/> source.</summary>
    private const string AutoExecute = "auto-execute";

    /// <summary>The <see cref="DisparityFinding.Outcome"/> of the <see cref="DisparitySource.Human"/> source.</summary>
    private const string Approval = "approval";

    private static readonly DisparitySource[] Sources = [DisparitySource.Automated, DisparitySource.Human];

    /// <summary>Builds the report.</summary>
    /// <param name="observedCases">The cases, for example <see cref="ObservedCaseSet.Cases"/>.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static SegmentReport Analyze(IEnumerable<ObservedCase> observedCases, SegmentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observedCases);
        options ??= new SegmentOptions();
        options.Validate();
        var names = options.Segments is null ? null : new HashSet<string>(options.Segments, StringComparer.Ordinal);

        var tallies = new SortedDictionary<(string ActionType, string Segment, string Value), Tally>(KeyOrder.Instance);
        foreach (var observedCase in observedCases)
        {
            if (observedCase?.ActionType is null || observedCase.Segments is not { Count: > 0 })
            {
                continue;
            }

            var outcome = Outcome.Of(observedCase);
            foreach (var (segment, value) in observedCase.Segments)
            {
                if (value is null || (names is not null && !names.Contains(segment)))
                {
                    continue;
                }

                var key = (observedCase.ActionType, segment, value);
                if (!tallies.TryGetValue(key, out var tally))
                {
                    tallies[key] = tally = new Tally();
                }

                tally.Add(outcome);
            }
        }

        var rows = tallies.Select(t => Row(t.Key, t.Value, options)).ToList();

        // The family: every pair of tested values, per action type, segment and source.
        var groups = new List<Group>();
        var tests = new List<PairTest>();
        foreach (var byName in tallies.GroupBy(t => (t.Key.ActionType, t.Key.Segment)))
        {
            foreach (var source in Sources)
            {
                var tested = byName.Select(t => new Tested(t.Key.Value, source == DisparitySource.Automated ? t.Value.Auto : t.Value.Approved, Trials(t.Value, source)))
                    .Where(t => t.Trials >= options.MinimumSample).ToList();
                if (tested.Count < 2)
                {
                    continue;
                }

                var group = new Group(byName.Key.ActionType, byName.Key.Segment, source, tested, []);
                for (var i = 0; i < tested.Count; i++)
                {
                    for (var j = i + 1; j < tested.Count; j++)
                    {
                        var (p, method) = ProportionTests.TwoSided(tested[i].Successes, tested[i].Trials, tested[j].Successes, tested[j].Trials);
                        group.Pairs[(i, j)] = tests.Count;
                        tests.Add(new PairTest(p, method));
                    }
                }

                groups.Add(group);
            }
        }

        var adjusted = ProportionTests.Holm([.. tests.Select(t => t.PValue)]);
        var findings = new List<DisparityFinding>();
        foreach (var group in groups)
        {
            var reference = 0;
            for (var i = 1; i < group.Values.Count; i++)
            {
                if (group.Values[i].IsAbove(group.Values[reference]))
                {
                    reference = i;
                }
            }

            var best = group.Values[reference];
            if (best.Successes == 0)
            {
                continue;
            }

            for (var i = 0; i < group.Values.Count; i++)
            {
                if (i == reference)
                {
                    continue;
                }

                var value = group.Values[i];
                var ratio = value.Rate / best.Rate;
                var index = group.Pairs[(Math.Min(i, reference), Math.Max(i, reference))];
                if (!(ratio < options.FourFifths) || !(adjusted[index] < options.Significance))
                {
                    continue;
                }

                findings.Add(Finding(group, value, best, ratio, tests[index], adjusted[index], tests.Count, options));
            }
        }

        return new SegmentReport
        {
            Criterion = Text($"per action type and segment, every pair of values with at least {options.MinimumSample} trials compared two-sided on the auto-execute rate (trials: cases) and on the approval rate (trials: answered reviews), by Fisher's exact test when an expected cell is below 5, else the pooled two-proportion z test; Holm's adjustment over all {tests.Count} tests; a finding where a value's rate is below {options.FourFifths:0.###} x the reference's (the tested value with the highest rate) and the adjusted p-value of the pair is below {options.Significance:0.###}"),
            Tests = tests.Count,
            FourFifths = options.FourFifths,
            Significance = options.Significance,
            Segments = rows,
            Findings = findings,
        };
    }

    private static int Trials(Tally tally, DisparitySource source) => source == DisparitySource.Automated ? tally.Cases : tally.Answered;

    private static SegmentOutcomes Row((string ActionType, string Segment, string Value) key, Tally t, SegmentOptions options)
    {
        RateEstimate Rate(int successes, int trials) => RateEstimate.Of(successes, trials, options.Confidence, options.Method);
        return new SegmentOutcomes
        {
            ActionType = key.ActionType,
            Segment = key.Segment,
            Value = key.Value,
            Cases = t.Cases,
            AutoExecuted = Rate(t.Auto, t.Cases),
            Reviewed = Rate(t.Reviewed, t.Cases),
            Approved = Rate(t.Approved, t.Answered),
            Edited = Rate(t.Edited, t.Answered),
            Rejected = Rate(t.Rejected, t.Answered),
            Overridden = Rate(t.Overridden, t.Auto),
            Reversed = Rate(t.Reversed, t.Executed),
        };
    }

    private static DisparityFinding Finding(Group group, Tested value, Tested reference, double ratio, PairTest test, double adjusted, int tests, SegmentOptions options)
    {
        var automated = group.Source == DisparitySource.Automated;
        var what = automated
            ? Text($"the policy auto-executed {value.Rate:0.0%} of {value.Trials} cases with {group.Segment} = {value.Value} against {reference.Rate:0.0%} of {reference.Trials} with {group.Segment} = {reference.Value}")
            : Text($"reviewers approved {value.Rate:0.0%} of {value.Trials} answered reviews with {group.Segment} = {value.Value} against {reference.Rate:0.0%} of {reference.Trials} with {group.Segment} = {reference.Value}");
        var testName = test.Method == ProportionTests.Fisher ? "Fisher's exact test" : "the two-proportion z test";
        return new DisparityFinding
        {
            ActionType = group.ActionType,
            Segment = group.Segment,
            Value = value.Value,
            Source = group.Source,
            Outcome = automated ? AutoExecute : Approval,
            Rate = value.Rate,
            Trials = value.Trials,
            ReferenceValue = reference.Value,
            ReferenceRate = reference.Rate,
            ReferenceTrials = reference.Trials,
            Ratio = ratio,
            PValue = test.PValue,
            AdjustedPValue = adjusted,
            Method = test.Method,
            Reason = Text($"For {group.ActionType}, {what}: a ratio of {ratio:0.00}, below {options.FourFifths:0.###}; {testName} gives p = {test.PValue:G3}, {adjusted:G3} after Holm's adjustment over {tests} tests, below {options.Significance:0.###}."),
        };
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One value's successes and trials in one test group.</summary>
    private sealed record Tested(string Value, int Successes, int Trials)
    {
        public double Rate => (double)Successes / Trials;

        /// <summary>Whether this rate is strictly above the other's, compared exactly (cross-multiplied).</summary>
        public bool IsAbove(Tested other) => (long)Successes * other.Trials > (long)other.Successes * Trials;
    }

    /// <summary>The tested values of one action type, segment and source (ordinal order), and the index of each pair's test.</summary>
    private sealed record Group(string ActionType, string Segment, DisparitySource Source, List<Tested> Values, Dictionary<(int, int), int> Pairs);

    private readonly record struct PairTest(double PValue, string Method);

    /// <summary>What one case counts towards.</summary>
    private readonly record struct Outcome(bool Auto, bool Reviewed, ActKind? Answer, bool Overridden, bool Executed, bool Reversed)
    {
        public static Outcome Of(ObservedCase c)
        {
            ActKind? answer = null;
            bool overridden = false, reversed = false;
            foreach (var act in c.Acts)
            {
                switch (act.Kind)
                {
                    case ActKind.Approved or ActKind.Edited or ActKind.Rejected:
                        answer = act.Kind;
                        break;
                    case ActKind.Overridden:
                        overridden = true;
                        break;
                    case ActKind.Reversed:
                        reversed = true;
                        break;
                }
            }

            var auto = c.WasAutomatic;
            var reviewed = c.Route is RouteLevel.Review or RouteLevel.Escalate;
            answer = reviewed ? answer : null;
            var executed = auto || answer is ActKind.Approved or ActKind.Edited;
            return new Outcome(auto, reviewed, answer, auto && overridden, executed, executed && reversed);
        }
    }

    /// <summary>The counts of one action type, segment name and value.</summary>
    private sealed class Tally
    {
        public int Cases { get; private set; }

        public int Auto { get; private set; }

        public int Reviewed { get; private set; }

        public int Answered { get; private set; }

        public int Approved { get; private set; }

        public int Edited { get; private set; }

        public int Rejected { get; private set; }

        public int Overridden { get; private set; }

        public int Executed { get; private set; }

        public int Reversed { get; private set; }

        public void Add(Outcome outcome)
        {
            Cases++;
            Auto += outcome.Auto ? 1 : 0;
            Reviewed += outcome.Reviewed ? 1 : 0;
            Answered += outcome.Answer is null ? 0 : 1;
            Approved += outcome.Answer is ActKind.Approved or ActKind.Edited ? 1 : 0;
            Edited += outcome.Answer is ActKind.Edited ? 1 : 0;
            Rejected += outcome.Answer is ActKind.Rejected ? 1 : 0;
            Overridden += outcome.Overridden ? 1 : 0;
            Executed += outcome.Executed ? 1 : 0;
            Reversed += outcome.Reversed ? 1 : 0;
        }
    }

    /// <summary>Action type, then segment, then value, each ordinal.</summary>
    private sealed class KeyOrder : IComparer<(string ActionType, string Segment, string Value)>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare((string ActionType, string Segment, string Value) x, (string ActionType, string Segment, string Value) y)
        {
            var order = string.CompareOrdinal(x.ActionType, y.ActionType);
            if (order == 0)
            {
                order = string.CompareOrdinal(x.Segment, y.Segment);
            }

            return order == 0 ? string.CompareOrdinal(x.Value, y.Value) : order;
        }
    }
}
