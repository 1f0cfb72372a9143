using System.Globalization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Turns observed cases into a <see cref="CalibrationReport"/>: per action type and confidence band, volume, human
/// agreement, the auto path's audited error rate and escalation frequency; and per action type the lowest auto-execute
/// threshold the evidence supports.
/// </summary>
/// <remarks>
/// <para>
/// <b>Agreement.</b> A judged case (see <see cref="VerdictExtensions.IsJudged"/>) agrees when a person accepted the
/// output as it was. Reviewed cases are all judged, auto-executed ones only when sampled for audit (or overridden), so
/// a range that spans both under-weights its auto-executed part. Where agreement rises with confidence this makes the
/// estimate for a lower threshold conservative, never optimistic.
/// </para>
/// <para>
/// <b>Threshold test (fixed sequence).</b> Candidate thresholds t = 1 − step, 1 − 2·step, ... down to
/// <see cref="CalibrationOptions.LowestThreshold"/> are tested in that order, a threshold only once at least
/// <see cref="CalibrationOptions.MinimumSample"/> judged cases lie at or above it, and at least as many as a record
/// without a single disagreement needs to clear the target (299 for 99% at 95% with Clopper–Pearson, 268 with Wilson). A threshold passes when the one-sided
/// lower confidence bound of the agreement rate at or above it meets <see cref="CalibrationOptions.Target"/>; the scan
/// stops at the first tested threshold that fails. Testing in a fixed order and stopping at the first failure keeps the
/// chance that any passed threshold is in truth below target at most 1 − confidence, without a multiplicity correction.
/// </para>
/// <para>
/// <b>Tighten.</b> When the one-sided upper bound of the agreement rate at or above the current threshold, or in any
/// single automatic band, is below the target, the evidence says the band must tighten; fail closed wins over loosen.
/// </para>
/// </remarks>
public static class Calibrator
{
    /// <summary>Builds the report.</summary>
    /// <param name="observedCases">The cases, for example <see cref="ObservedCaseSet.Cases"/>.</param>
    /// <param name="policy">The active policy (bands and current thresholds), or <see langword="null"/> for fixed-width bands and no current thresholds.</param>
    /// <param name="options">The settings; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock that stamps the report; the system clock when omitted.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public static CalibrationReport Calibrate(
        IEnumerable<ObservedCase> observedCases, PolicyDefinition? policy = null, CalibrationOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(observedCases);
        options ??= new CalibrationOptions();
        options.Validate();
        var byAction = new SortedDictionary<string, List<ObservedCase>>(StringComparer.Ordinal);
        var count = 0;
        foreach (var observedCase in observedCases)
        {
            ArgumentNullException.ThrowIfNull(observedCase);
            count++;
            if (!byAction.TryGetValue(observedCase.ActionType, out var list))
            {
                byAction[observedCase.ActionType] = list = [];
            }

            list.Add(observedCase);
        }

        foreach (var declared in policy?.Actions?.Keys ?? Enumerable.Empty<string>())
        {
            if (!byAction.ContainsKey(declared))
            {
                byAction[declared] = [];
            }
        }

        return new CalibrationReport
        {
            PolicyId = policy?.Id,
            PolicyVersion = policy?.Version,
            GeneratedAt = (timeProvider ?? TimeProvider.System).GetUtcNow(),
            Target = options.Target,
            Confidence = options.Confidence,
            Method = options.Method,
            MinimumSample = options.MinimumSample,
            BandSource = options.Bands,
            CaseCount = count,
            Actions = [.. byAction.Select(pair => CalibrateAction(pair.Key, pair.Value, policy, options))],
        };
    }

    private static ActionCalibration CalibrateAction(string actionType, List<ObservedCase> cases, PolicyDefinition? policy, CalibrationOptions options)
    {
        var policyBands = policy is null ? [] : PolicyBands.For(policy, actionType);
        var floor = policy is null ? RouteLevel.AutoExecute : PolicyBands.Floor(policy, actionType);
        double? current = policy is null ? null : floor.IsAutomatic() ? PolicyBands.Threshold(policyBands) : null;
        var layout = options.Bands == BandSource.Policy && policyBands.Count > 0
            ? policyBands.Select(b => (Id: b.Id, b.Min, b.Max, Route: b.Route)).ToList()
            : FixedBands(options.BandWidth);

        var bands = new List<BandCalibration>(layout.Count);
        foreach (var (id, min, max, route) in layout)
        {
            var inBand = cases.Where(c => ConfidenceOf(c) is { } x && PolicyBands.Contains(min, max, x)).ToList();
            var automatic = current is { } threshold && min >= threshold;
            var agreement = Agreement(inBand, options);
            bands.Add(new BandCalibration
            {
                BandId = id,
                Min = min,
                Max = max,
                PolicyRoute = route,
                IsAutomatic = automatic,
                Volume = inBand.Count,
                AutoExecuted = inBand.Count(c => c.WasAutomatic),
                SentToPerson = inBand.Count(c => c.Route is RouteLevel.Review or RouteLevel.Escalate),
                Escalated = inBand.Count(c => c.WasEscalated),
                EscalationFrequency = inBand.Count == 0 ? null : (double)inBand.Count(c => c.WasEscalated) / inBand.Count,
                Agreement = agreement,
                AutoPathError = AuditErrors(inBand, options),
                BelowTarget = automatic && agreement.Trials > 0 &&
                    BinomialInterval.UpperBound(agreement.Successes, agreement.Trials, options.Confidence, options.Method) < options.Target,
            });
        }

        return new ActionCalibration
        {
            ActionType = actionType,
            Volume = cases.Count,
            WithoutConfidence = cases.Count(c => ConfidenceOf(c) is null),
            Agreement = Agreement(cases, options),
            AutoPathError = AuditErrors(cases, options),
            EscalationFrequency = cases.Count == 0 ? null : (double)cases.Count(c => c.WasEscalated) / cases.Count,
            Bands = bands,
            Recommendation = Recommend(actionType, cases, policy is not null, floor, current, bands, options),
        };
    }

    private static List<(string? Id, double Min, double Max, RouteLevel? Route)> FixedBands(double width)
    {
        var bands = new List<(string?, double, double, RouteLevel?)>();
        for (var k = 0; ; k++)
        {
            var min = Math.Round(k * width, 9);
            var max = Math.Round(Math.Min(1, (k + 1) * width), 9);
            if (min >= 1)
            {
                break;
            }

            bands.Add((null, min, max >= 1 - 1e-9 ? 1 : max, null));
        }

        return bands;
    }

    /// <summary>The recorded confidence when it is a number in [0, 1]; anything else counts as not recorded.</summary>
    private static double? ConfidenceOf(ObservedCase observedCase) => observedCase.Confidence is { } x && x >= 0 && x <= 1 ? x : null;

    private static RateEstimate Agreement(List<ObservedCase> cases, CalibrationOptions options)
    {
        var judged = cases.Count(c => c.Verdict.IsJudged());
        var agreed = cases.Count(c => c.Verdict.IsAgreement());
        return RateEstimate.Of(agreed, judged, options.Confidence, options.Method);
    }

    private static RateEstimate AuditErrors(List<ObservedCase> cases, CalibrationOptions options) =>
        AuditSampleErrors.Of(cases, options.Confidence, options.Method);

    private static ThresholdRecommendation Recommend(
        string actionType, List<ObservedCase> cases, bool havePolicy, RouteLevel floor, double? current, List<BandCalibration> bands, CalibrationOptions options)
    {
        // Judged cases by confidence, highest first, so that "at or above t" is a growing prefix.
        var judged = cases.Where(c => ConfidenceOf(c) is not null && c.Verdict.IsJudged())
            .Select(c => (Confidence: c.Confidence!.Value, Agrees: c.Verdict.IsAgreement()))
            .OrderByDescending(c => c.Confidence)
            .ToArray();

        var needed = SmallestPassingSample(options);
        var passed = new List<double>();
        double? best = null;
        int bestN = 0, bestX = 0;
        var tested = false;
        int n = 0, x = 0;
        for (var k = 1; ; k++)
        {
            var t = Math.Round(1 - (k * options.ThresholdStep), 9);
            if (t < options.LowestThreshold - 1e-9)
            {
                break;
            }

            while (n < judged.Length && judged[n].Confidence >= t)
            {
                x += judged[n].Agrees ? 1 : 0;
                n++;
            }

            // A threshold is tested only once enough cases lie above it for a pass to be possible at all (the minimum
            // sample, and as many as an unblemished record needs to clear the target). This depends on counts alone,
            // never on observedCases, so the order of the tests stays fixed in advance.
            if (n < options.MinimumSample || n < needed)
            {
                continue;
            }

            tested = true;
            if (BinomialInterval.LowerBound(x, n, options.Confidence, options.Method) < options.Target)
            {
                break;
            }

            (best, bestN, bestX) = (t, n, x);
            passed.Add(t);
        }

        RateEstimate? currentAgreement = null;
        double? currentUpper = null;
        if (current is { } c0)
        {
            var inRange = judged.Where(j => j.Confidence >= c0).ToArray();
            currentAgreement = RateEstimate.Of(inRange.Count(j => j.Agrees), inRange.Length, options.Confidence, options.Method);
            currentUpper = BinomialInterval.UpperBound(currentAgreement.Successes, currentAgreement.Trials, options.Confidence, options.Method);
        }

        var recommendation = new ThresholdRecommendation
        {
            ActionType = actionType,
            Kind = RecommendationKind.Hold,
            CurrentThreshold = current,
            RecommendedThreshold = best,
            ProposedThreshold = current,
            SampleSize = bestN,
            Agreement = best is null ? null : RateEstimate.Of(bestX, bestN, options.Confidence, options.Method),
            LowerBound = best is null ? null : BinomialInterval.LowerBound(bestX, bestN, options.Confidence, options.Method),
            CurrentAgreement = currentAgreement,
            CurrentUpperBound = currentUpper,
            Reason = "",
        };

        var failingBands = bands.Where(b => b.BelowTarget).ToList();
        var regionFails = currentAgreement is { Trials: > 0 } && currentUpper < options.Target;
        if (current is { } c && (regionFails || failingBands.Count > 0))
        {
            // Fail closed: raise the threshold to the lowest one the evidence supports; with none supported above the
            // current one, raise it above every band shown to miss the target, or stop auto-executing by confidence.
            double? raised = best is { } b0 && b0 > c ? b0 : failingBands.Count > 0 ? failingBands.Max(b => b.Max) : null;
            if (raised is null || raised >= 1)
            {
                raised = null;
            }

            var where = regionFails
                ? Text($"at confidence ≥ {c:0.###}, {currentAgreement!.Successes} of {currentAgreement.Trials} judged cases were accepted as they were")
                : Text($"in band{(failingBands.Count > 1 ? "s" : "")} {string.Join(", ", failingBands.Select(f => f.BandId ?? Text($"[{f.Min:0.###}, {f.Max:0.###})")))}, {failingBands.Sum(f => f.Agreement.Successes)} of {failingBands.Sum(f => f.Agreement.Trials)} judged cases were accepted as they were");
            return recommendation with
            {
                Kind = RecommendationKind.Tighten,
                ProposedThreshold = raised,
                Reason = Text($"{where}: with {options.Confidence:0%} confidence agreement is below the target {options.Target:0.00%}; ") +
                    (raised is { } r ? Text($"raise the auto-execute threshold from {c:0.###} to {r:0.###}.") : "stop auto-executing this action type by confidence."),
            };
        }

        if (!tested)
        {
            return recommendation with
            {
                Kind = RecommendationKind.InsufficientEvidence,
                Reason = Text($"{judged.Length} judged cases with a confidence: fewer than the {Math.Max(options.MinimumSample, needed)} a threshold needs (the minimum sample of {options.MinimumSample}, and {needed} for the target to be reachable) at any threshold ≥ {options.LowestThreshold:0.###}; no change."),
            };
        }

        if (havePolicy && !floor.IsAutomatic())
        {
            return recommendation with
            {
                Reason = Text($"the action type's default route (or, undeclared, the policy's unknown-action route) is {floor.ToJsonName()}, so no confidence band can let it auto-execute; no change."),
            };
        }

        if (best is { } supported && havePolicy && (current is null || supported < current))
        {
            // Every tested threshold from the first one down to the supported one passed, so a capped step is backed
            // too: the lowest passed threshold within the step, or, when none lies within it, the highest passed one.
            var proposed = supported;
            if (current is { } from && options.MaxLooseningStep is { } step)
            {
                var lower = passed.Where(p => p < from).ToList();
                var within = lower.Where(p => p >= from - step - 1e-9).ToList();
                proposed = within.Count > 0 ? within.Min() : lower.Max();
            }

            var capped = proposed > supported ? Text($" (capped at a step of {options.MaxLooseningStep:0.###}; the evidence supports {supported:0.###})") : "";
            return recommendation with
            {
                Kind = RecommendationKind.Loosen,
                ProposedThreshold = proposed,
                Reason = Text($"{bestX} of {bestN} judged cases at confidence ≥ {supported:0.###} were accepted as they were; the one-sided {options.Confidence:0%} lower bound {recommendation.LowerBound:0.00%} meets the target {options.Target:0.00%}; ") +
                    (current is { } now ? Text($"lower the auto-execute threshold from {now:0.###} to {proposed:0.###}{capped}.") : Text($"auto-execute from confidence {supported:0.###}.")),
            };
        }

        return recommendation with
        {
            Reason = best is { } held
                ? Text($"the evidence supports auto-execution from confidence {held:0.###} ({bestX} of {bestN} accepted, lower bound {recommendation.LowerBound:0.00%})") +
                    (current is { } now2 ? Text($" and does not show the current threshold {now2:0.###} missing the target; no change.") : "; no policy was given to compare with.")
                : Text($"no threshold ≥ {options.LowestThreshold:0.###} meets the target {options.Target:0.00%} with {options.Confidence:0%} confidence, and the current range is not shown to miss it; no change."),
        };
    }

    /// <summary>The fewest trials whose lower bound can reach the target: all of them agreeing.</summary>
    private static int SmallestPassingSample(CalibrationOptions options)
    {
        int low = 1, high = 1;
        while (BinomialInterval.LowerBound(high, high, options.Confidence, options.Method) < options.Target)
        {
            low = high;
            high *= 2;
            if (high > 1 << 30)
            {
                return int.MaxValue;
            }
        }

        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (BinomialInterval.LowerBound(middle, middle, options.Confidence, options.Method) >= options.Target)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return high;
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
