using System.Globalization;
using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

internal sealed partial class PolicyCompilation<TContext>
{
    /// <summary>The compiled parts of one scope (the defaults or one action type), merged per action type later.</summary>
    private sealed class ScopeParts(string path)
    {
        public string Path { get; } = path;

        public RouteLevel? Floor { get; set; }

        public List<CompiledRule<TContext>>? Bands { get; set; }

        public List<CompiledRule<TContext>> Risk { get; } = [];

        public RiskFactor<TContext>[]? Factors { get; set; }

        public List<CompiledRule<TContext>> Impact { get; } = [];

        public List<CompiledRule<TContext>> Evidence { get; } = [];

        public CompiledRule<TContext>? CostlyToReverse { get; set; }

        public CompiledRule<TContext>? Irreversible { get; set; }

        public CompiledRule<TContext>? Sensitive { get; set; }

        public CompiledRule<TContext>? Vulnerable { get; set; }

        public List<CompiledRule<TContext>> Rules { get; } = [];

        public SamplingDefinition? Sampling { get; set; }

        public Effect Review { get; set; }

        public Effect Escalate { get; set; }
    }

    private ScopeParts CompileScope(ActionPolicyDefinition? scope, string path, string scopeName, ScopeParts? defaults)
    {
        var parts = new ScopeParts(path);
        if (scope is null)
        {
            parts.Review = defaults?.Review ?? ReviewSettings(null, path, RouteLevel.Review);
            parts.Escalate = defaults?.Escalate ?? ReviewSettings(null, path, RouteLevel.Escalate);
            return parts;
        }

        CheckUnknown(scope, path);
        parts.Floor = scope.Route;
        if (scope.ConfidenceBands is not null)
        {
            parts.Bands = CompileBands(scope.ConfidenceBands, JsonPath.Property(path, "confidenceBands"));
        }

        if (scope.Risk is not null)
        {
            CompileRisk(scope.Risk, JsonPath.Property(path, "risk"), parts);
        }

        if (scope.ImpactTiers is not null)
        {
            CompileImpact(scope.ImpactTiers, JsonPath.Property(path, "impactTiers"), parts.Impact);
        }

        if (scope.Evidence is not null)
        {
            CompileEvidence(scope.Evidence, JsonPath.Property(path, "evidence"), parts.Evidence);
        }

        if (scope.Reversibility is { } reversibility)
        {
            var reversibilityPath = JsonPath.Property(path, "reversibility");
            CheckUnknown(reversibility, reversibilityPath);
            parts.CostlyToReverse = CompileGate(reversibility.CostlyToReverse, JsonPath.Property(reversibilityPath, "costlyToReverse"),
                scopeName + ".reversibility.costly-to-reverse", RuleKind.ReversibilityGate, StandardSignals.ReversibilityIndex,
                () => new ReversibilityCondition<TContext>(0b110, "reversibility >= costly-to-reverse"), SignalReads.Reversibility);
            parts.Irreversible = CompileGate(reversibility.Irreversible, JsonPath.Property(reversibilityPath, "irreversible"),
                scopeName + ".reversibility.irreversible", RuleKind.ReversibilityGate, StandardSignals.ReversibilityIndex,
                () => new ReversibilityCondition<TContext>(0b100, "reversibility == irreversible"), SignalReads.Reversibility);
        }

        parts.Sensitive = CompileGate(scope.Sensitive, JsonPath.Property(path, "sensitive"), scopeName + ".sensitive", RuleKind.SensitiveGate,
            StandardSignals.SensitiveIndex, () => new StandardFlagCondition<TContext>(StandardSignals.SensitiveIndex, true), SignalReads.Sensitive);
        parts.Vulnerable = CompileGate(scope.Vulnerable, JsonPath.Property(path, "vulnerable"), scopeName + ".vulnerable", RuleKind.VulnerableGate,
            StandardSignals.VulnerableIndex, () => new StandardFlagCondition<TContext>(StandardSignals.VulnerableIndex, true), SignalReads.Vulnerable);

        if (scope.Rules is not null)
        {
            CompileRules(scope.Rules, JsonPath.Property(path, "rules"), parts.Rules);
        }

        if (scope.Sampling is { } sampling)
        {
            var samplingPath = JsonPath.Property(path, "sampling");
            CheckUnknown(sampling, samplingPath);
            if (!(sampling.Rate >= 0 && sampling.Rate <= 1))
            {
                Error(PolicyErrorCode.RateOutOfRange, JsonPath.Property(samplingPath, "rate"), "a sampling rate is a share in [0, 1], for example 0.05 for 5%", Format(sampling.Rate));
            }

            if (!Enum.IsDefined(sampling.Mode))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Property(samplingPath, "mode"), "the mode is flag or review", sampling.Mode.ToString());
            }

            parts.Sampling = sampling;
        }

        parts.Review = scope.Review is null && defaults is not null
            ? defaults.Review
            : ReviewSettings(scope.Review, JsonPath.Property(path, "review"), RouteLevel.Review);
        parts.Escalate = scope.Escalate is null && defaults is not null
            ? defaults.Escalate
            : ReviewSettings(scope.Escalate, JsonPath.Property(path, "escalate"), RouteLevel.Escalate);
        return parts;
    }

    private List<CompiledRule<TContext>> CompileBands(List<ConfidenceBandDefinition> bands, string path)
    {
        var compiled = new List<CompiledRule<TContext>>();
        var checkedBands = new List<(ConfidenceBandDefinition Band, string Path)>();
        RequireStandard(StandardSignals.ConfidenceIndex, path);
        if (bands.Count == 0)
        {
            Error(PolicyErrorCode.InvalidValue, path, "list at least one band, or leave confidenceBands out", "[]");
            return compiled;
        }

        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            var bandPath = JsonPath.Index(path, i);
            if (band is null)
            {
                Error(PolicyErrorCode.MissingValue, bandPath, "a band is required here", "null");
                continue;
            }

            CheckUnknown(band, bandPath);
            var id = RuleId(band.Id, bandPath);
            var ok = true;
            if (!(band.Min >= 0 && band.Min <= 1))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Property(bandPath, "min"), "a confidence bound lies in [0, 1]", Format(band.Min));
                ok = false;
            }

            if (!(band.Max >= 0 && band.Max <= 1))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Property(bandPath, "max"), "a confidence bound lies in [0, 1]", Format(band.Max));
                ok = false;
            }

            if (ok && !(band.Min < band.Max))
            {
                Error(PolicyErrorCode.InvertedBand, bandPath, "a band's min must be below its max", $"[{Format(band.Min)}, {Format(band.Max)}]");
                ok = false;
            }

            if (band.Route is null)
            {
                Error(PolicyErrorCode.MissingValue, JsonPath.Property(bandPath, "route"), "a band needs a route");
                ok = false;
            }

            var effect = CompileEffect(band, bandPath, band.Route);
            if (ok)
            {
                checkedBands.Add((band, bandPath));
                compiled.Add(new CompiledRule<TContext>(id ?? "", RuleKind.ConfidenceBand,
                    new StandardBandCondition<TContext>(StandardSignals.ConfidenceIndex, band.Min, band.Max, band.Max == 1), effect,
                    SignalReads.Confidence, null));
            }
        }

        if (checkedBands.Count != bands.Count)
        {
            return compiled;
        }

        var sorted = checkedBands.OrderBy(b => b.Band.Min).ToList();
        if (sorted[0].Band.Min > 0)
        {
            Error(PolicyErrorCode.BandGap, sorted[0].Path, "the bands must cover [0, 1]: nothing covers confidence from 0", $"[0, {Format(sorted[0].Band.Min)})");
        }

        for (var i = 1; i < sorted.Count; i++)
        {
            var (lower, lowerPath) = sorted[i - 1];
            var (upper, upperPath) = sorted[i];
            if (upper.Min < lower.Max)
            {
                Error(PolicyErrorCode.OverlappingBands, upperPath, $"band '{upper.Id}' overlaps band '{lower.Id}' at {lowerPath}",
                    $"[{Format(upper.Min)}, {Format(upper.Max)}) and [{Format(lower.Min)}, {Format(lower.Max)})");
            }
            else if (upper.Min > lower.Max)
            {
                Error(PolicyErrorCode.BandGap, upperPath, $"nothing covers confidence between band '{lower.Id}' and band '{upper.Id}'",
                    $"[{Format(lower.Max)}, {Format(upper.Min)})");
            }

            if (upper.Route == lower.Route && (TierIndexOrZero(upper.Tier) > TierIndexOrZero(lower.Tier) || (upper.Approvals ?? 0) > (lower.Approvals ?? 0)))
            {
                Error(PolicyErrorCode.NonMonotoneBands, upperPath,
                    $"band '{upper.Id}' has higher confidence than band '{lower.Id}' and the same route but asks for a higher tier or more approvals: lower confidence must never loosen a decision",
                    $"tier {upper.Tier ?? _tiers[0]}, approvals {upper.Approvals ?? 0}");
            }

            if (upper.Route > lower.Route)
            {
                Error(PolicyErrorCode.NonMonotoneBands, JsonPath.Property(upperPath, "route"),
                    $"band '{upper.Id}' has higher confidence than band '{lower.Id}' but a more restrictive route ({lower.Route?.ToJsonName()} below it): lower confidence must never loosen a decision",
                    upper.Route?.ToJsonName());
            }
        }

        if (sorted[^1].Band.Max < 1)
        {
            Error(PolicyErrorCode.BandGap, sorted[^1].Path, "the bands must cover [0, 1]: nothing covers confidence up to 1", $"[{Format(sorted[^1].Band.Max)}, 1]");
        }

        return compiled;
    }

    private int TierIndexOrZero(string? tier) => tier is not null && _tierIndex.TryGetValue(tier, out var index) ? index : 0;

    private void CompileRisk(RiskDefinition risk, string path, ScopeParts parts)
    {
        CheckUnknown(risk, path);
        if (risk.Factors is not null)
        {
            var factorsPath = JsonPath.Property(path, "factors");
            var factors = new List<RiskFactor<TContext>>();
            if (risk.Factors.Count == 0)
            {
                Error(PolicyErrorCode.InvalidValue, factorsPath, "list at least one factor, or leave factors out to use the host's risk signal", "[]");
            }

            for (var i = 0; i < risk.Factors.Count; i++)
            {
                var factor = risk.Factors[i];
                var factorPath = JsonPath.Index(factorsPath, i);
                if (factor is null)
                {
                    Error(PolicyErrorCode.MissingValue, factorPath, "a factor is required here", "null");
                    continue;
                }

                CheckUnknown(factor, factorPath);
                if (!(factor.Weight > 0 && double.IsFinite(factor.Weight)))
                {
                    Error(PolicyErrorCode.InvalidValue, JsonPath.Property(factorPath, "weight"), "a weight is a finite number above 0", Format(factor.Weight));
                }

                var fieldPath = JsonPath.Property(factorPath, "field");
                if (RequireText(factor.Field, fieldPath) is not { } name)
                {
                    continue;
                }

                if (!_schema.TryGetField(name, out var field))
                {
                    Error(PolicyErrorCode.UnknownField, fieldPath, $"a risk factor is a host-defined number field; '{name}' is not registered", Quote(name));
                }
                else if (field.Type != FieldType.Number)
                {
                    Error(PolicyErrorCode.TypeMismatch, fieldPath, $"a risk factor must be a number field; '{name}' is {Lower(field.Type)}", Quote(name));
                }
                else
                {
                    factors.Add(new RiskFactor<TContext>((NumberAccessor<TContext>)field.Accessor, _hostIndex[name], name, factor.Weight));
                }
            }

            parts.Factors = [.. factors];
            var total = 0.0;
            foreach (var factor in risk.Factors)
            {
                total += factor?.Weight ?? 0;
            }

            if (risk.Factors.Count > 0 && !double.IsFinite(total))
            {
                // Each weight may be finite while their sum is not: risk would then compute as NaN or 0 and fail open.
                Error(PolicyErrorCode.InvalidValue, factorsPath, "the weights must add up to a finite number; scale them down (only their ratios matter)",
                    "sum " + Format(total) + " of [" + string.Join(", ", risk.Factors.Select(f => f is null ? "null" : Format(f.Weight))) + "]");
            }
        }

        if (risk.Thresholds is null)
        {
            return;
        }

        var thresholdsPath = JsonPath.Property(path, "thresholds");
        for (var i = 0; i < risk.Thresholds.Count; i++)
        {
            var threshold = risk.Thresholds[i];
            var itemPath = JsonPath.Index(thresholdsPath, i);
            if (threshold is null)
            {
                Error(PolicyErrorCode.MissingValue, itemPath, "a threshold is required here", "null");
                continue;
            }

            CheckUnknown(threshold, itemPath);
            var id = RuleId(threshold.Id, itemPath);
            if (!(threshold.AtLeast >= 0 && threshold.AtLeast <= 1))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Property(itemPath, "atLeast"), "a risk threshold lies in [0, 1]", Format(threshold.AtLeast));
            }

            parts.Risk.Add(new CompiledRule<TContext>(id ?? "", RuleKind.RiskThreshold,
                new StandardNumberCondition<TContext>(StandardSignals.RiskIndex, CompareOp.Gte, threshold.AtLeast),
                CompileEffect(threshold, itemPath, RouteLevel.Review), SignalReads.Risk, null));
        }
    }

    private void CompileImpact(List<ImpactTierDefinition> tiers, string path, List<CompiledRule<TContext>> rules)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var itemPath = JsonPath.Index(path, i);
            if (tier is null)
            {
                Error(PolicyErrorCode.MissingValue, itemPath, "an impact tier is required here", "null");
                continue;
            }

            CheckUnknown(tier, itemPath);
            var id = RuleId(tier.Id, itemPath);
            var effect = CompileEffect(tier, itemPath, RouteLevel.Review);
            if ((tier.AmountAtLeast is null) == (tier.Categories is null))
            {
                Error(PolicyErrorCode.InvalidCondition, itemPath, "an impact tier names exactly one of amountAtLeast or categories",
                    tier.AmountAtLeast is null ? "neither" : "both");
                continue;
            }

            if (tier.AmountAtLeast is { } amount)
            {
                RequireStandard(StandardSignals.AmountIndex, itemPath);
                if (!(amount >= 0 && double.IsFinite(amount)))
                {
                    Error(PolicyErrorCode.InvalidValue, JsonPath.Property(itemPath, "amountAtLeast"), "an amount threshold is a finite number of at least 0", Format(amount));
                }

                rules.Add(new CompiledRule<TContext>(id ?? "", RuleKind.ImpactTier,
                    new StandardNumberCondition<TContext>(StandardSignals.AmountIndex, CompareOp.Gte, amount), effect, SignalReads.Amount, null));
            }
            else
            {
                RequireStandard(StandardSignals.CategoryIndex, itemPath);
                var categories = tier.Categories!;
                if (categories.Count == 0 || categories.Any(string.IsNullOrWhiteSpace))
                {
                    Error(PolicyErrorCode.InvalidValue, JsonPath.Property(itemPath, "categories"), "list one or more non-empty categories",
                        "[" + string.Join(", ", categories.Select(Quote)) + "]");
                    continue;
                }

                rules.Add(new CompiledRule<TContext>(id ?? "", RuleKind.ImpactTier,
                    new StandardTextInCondition<TContext>(StandardSignals.CategoryIndex, new TextSet(categories)), effect, SignalReads.Category, null));
            }
        }
    }

    private void CompileEvidence(List<EvidenceThresholdDefinition> thresholds, string path, List<CompiledRule<TContext>> rules)
    {
        for (var i = 0; i < thresholds.Count; i++)
        {
            var threshold = thresholds[i];
            var itemPath = JsonPath.Index(path, i);
            if (threshold is null)
            {
                Error(PolicyErrorCode.MissingValue, itemPath, "an evidence threshold is required here", "null");
                continue;
            }

            CheckUnknown(threshold, itemPath);
            RequireStandard(StandardSignals.EvidenceIndex, itemPath);
            var id = RuleId(threshold.Id, itemPath);
            if (!(threshold.Below > 0 && threshold.Below <= 1))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Property(itemPath, "below"), "an evidence threshold lies in (0, 1]", Format(threshold.Below));
            }

            rules.Add(new CompiledRule<TContext>(id ?? "", RuleKind.EvidenceThreshold,
                new StandardNumberCondition<TContext>(StandardSignals.EvidenceIndex, CompareOp.Lt, threshold.Below),
                CompileEffect(threshold, itemPath, RouteLevel.Review), SignalReads.Evidence, null));
        }
    }

    private CompiledRule<TContext>? CompileGate(
        GateDefinition? gate, string path, string defaultId, RuleKind kind, int signalIndex, Func<Condition<TContext>> condition, SignalReads reads)
    {
        if (gate is null)
        {
            return null;
        }

        CheckUnknown(gate, path);
        RequireStandard(signalIndex, path);
        var id = RuleId(gate.Id ?? defaultId, path);
        return new CompiledRule<TContext>(id ?? defaultId, kind, condition(), CompileEffect(gate, path, RouteLevel.Review), reads, null);
    }

    private void CompileRules(List<RuleDefinition> rules, string path, List<CompiledRule<TContext>> compiled)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var rulePath = JsonPath.Index(path, i);
            if (rule is null)
            {
                Error(PolicyErrorCode.MissingValue, rulePath, "a rule is required here", "null");
                continue;
            }

            CheckUnknown(rule, rulePath);
            var id = RuleId(rule.Id, rulePath);
            var reads = SignalReads.None;
            var whenPath = JsonPath.Property(rulePath, "when");
            Condition<TContext>? when = null;
            var checks = new List<FieldCheck<TContext>>();
            if (rule.When is null)
            {
                Error(PolicyErrorCode.MissingValue, whenPath, "a rule needs a condition");
            }
            else
            {
                (_checks, _guarded) = (checks, false);
                when = CompileCondition(rule.When, whenPath, positive: true, ref reads, depth: 0);
                (_checks, _guarded) = (null, false);
            }

            var thenPath = JsonPath.Property(rulePath, "then");
            if (rule.Then is null)
            {
                Error(PolicyErrorCode.MissingValue, thenPath, "a rule needs an effect (then)");
                continue;
            }

            var effect = CompileEffect(rule.Then, thenPath, RouteLevel.Review);
            if (when is not null && id is not null)
            {
                compiled.Add(new CompiledRule<TContext>(id, RuleKind.BusinessRule, when, effect, reads, rule.Description) { Checks = [.. checks] });
            }
        }
    }

    private Effect CompileEffect(EffectDefinition effect, string path, RouteLevel? defaultRoute)
    {
        CheckUnknown(effect, path);
        var route = effect.Route ?? defaultRoute ?? RouteLevel.Review;
        var tier = 0;
        if (effect.Tier is not null)
        {
            tier = Tier(effect.Tier, JsonPath.Property(path, "tier"));
        }

        var approvals = 0;
        if (effect.Approvals is { } wanted)
        {
            approvals = Approvals(wanted, JsonPath.Property(path, "approvals"));
        }

        long deadline = 0;
        if (effect.Deadline is { } span)
        {
            deadline = Deadline(span, JsonPath.Property(path, "deadline"));
        }

        var onTimeout = RouteLevel.Escalate;
        if (effect.OnTimeout is { } fallback)
        {
            onTimeout = TimeoutFallback(fallback, JsonPath.Property(path, "onTimeout"));
        }

        if (!Enum.IsDefined(route))
        {
            Error(PolicyErrorCode.InvalidValue, JsonPath.Property(path, "route"), "unknown route", ((byte)route).ToString(CultureInfo.InvariantCulture));
        }

        return new Effect(route, (byte)tier, (byte)approvals, deadline, onTimeout);
    }

    private Effect ReviewSettings(ReviewSettingsDefinition? settings, string path, RouteLevel route)
    {
        var escalate = route == RouteLevel.Escalate;
        var tier = escalate ? Math.Min(1, Math.Max(_tiers.Length - 1, 0)) : 0;
        var approvals = 1;
        var deadline = DefaultDeadline.Ticks;
        var onTimeout = escalate ? RouteLevel.Block : RouteLevel.Escalate;
        if (settings is not null)
        {
            CheckUnknown(settings, path);
            if (settings.Tier is not null)
            {
                tier = Tier(settings.Tier, JsonPath.Property(path, "tier"));
            }

            if (settings.Approvals is { } wanted)
            {
                approvals = Math.Max(1, Approvals(wanted, JsonPath.Property(path, "approvals")));
            }

            if (settings.Deadline is { } span)
            {
                deadline = Deadline(span, JsonPath.Property(path, "deadline"));
            }

            if (settings.OnTimeout is { } fallback)
            {
                onTimeout = TimeoutFallback(fallback, JsonPath.Property(path, "onTimeout"));
            }
        }

        return new Effect(route, (byte)tier, (byte)approvals, deadline, onTimeout);
    }

    private int Tier(string name, string path)
    {
        if (_tierIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        Error(PolicyErrorCode.UnknownTier, path, $"tier '{name}' is not one of the policy's tiers ({string.Join(", ", _tiers)})", Quote(name));
        return 0;
    }

    private int Approvals(int wanted, string path)
    {
        if (wanted is >= 1 and <= MaxApprovals)
        {
            return wanted;
        }

        Error(PolicyErrorCode.InvalidValue, path, $"approvals lie between 1 and {MaxApprovals}", wanted.ToString(CultureInfo.InvariantCulture));
        return 1;
    }

    private long Deadline(TimeSpan span, string path)
    {
        if (span > TimeSpan.Zero)
        {
            return span.Ticks;
        }

        Error(PolicyErrorCode.InvalidValue, path, "a deadline is a positive duration such as PT4H", System.Xml.XmlConvert.ToString(span));
        return DefaultDeadline.Ticks;
    }

    private RouteLevel TimeoutFallback(RouteLevel fallback, string path)
    {
        if (fallback is RouteLevel.Escalate or RouteLevel.Block)
        {
            return fallback;
        }

        Error(PolicyErrorCode.FailOpen, path, "a review past its deadline never approves: onTimeout is escalate or block", fallback.ToJsonName());
        return RouteLevel.Block;
    }

    private string? RuleId(string? id, string path)
    {
        var idPath = JsonPath.Property(path, "id");
        if (string.IsNullOrWhiteSpace(id))
        {
            Error(PolicyErrorCode.MissingValue, idPath, "every rule needs an id, unique in the policy", Quote(id));
            return null;
        }

        if (id.StartsWith("hitl:", StringComparison.Ordinal))
        {
            Error(PolicyErrorCode.InvalidValue, idPath, "rule ids starting with 'hitl:' are reserved for the engine", Quote(id));
        }

        if (!_ruleIds.TryAdd(id, path))
        {
            Error(PolicyErrorCode.DuplicateRuleId, idPath, $"rule id '{id}' is already used at {_ruleIds[id]}", Quote(id));
        }

        return id;
    }

    private void RequireStandard(int signalIndex, string path)
    {
        var name = StandardSignals.Names[signalIndex];
        if (_schema.HasStandardSignal(name))
        {
            return;
        }

        if (signalIndex == StandardSignals.RiskIndex)
        {
            return; // risk may come from factors instead; each action plan checks that it has one or the other.
        }

        Error(PolicyErrorCode.MissingAccessor, path,
            $"the policy reads '{name}' but the SignalSchema has no accessor for it: register one with .{char.ToUpperInvariant(name[0])}{name[1..]}(...)", name);
    }
}
