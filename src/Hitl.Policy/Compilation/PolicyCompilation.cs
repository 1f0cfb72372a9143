using System.Globalization;
using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

/// <summary>One run of the compiler: checks everything, collects every error, and builds the plans.</summary>
internal sealed partial class PolicyCompilation<TContext>
{
    internal const string UnknownActionName = "*";
    private const int MaxTiers = 32;
    private const int MaxApprovals = 9;
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromHours(24);

    private readonly PolicyDefinition _definition;
    private readonly SignalSchema<TContext> _schema;
    private readonly Dictionary<string, string> _ruleIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _tierIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _hostIndex = new(StringComparer.Ordinal);
    private readonly List<string> _signalNames = [.. StandardSignals.Names];
    private readonly Dictionary<string, ScalarValue> _fieldDefaults = new(StringComparer.Ordinal);
    private string[] _tiers = [];
    private bool? _sensitiveDefault;
    private bool? _vulnerableDefault;

    /// <summary>While compiling a rule's condition: whether the current part may be skipped by short-circuit evaluation.</summary>
    private bool _guarded;

    /// <summary>While compiling a rule's condition: the presence checks of the host fields it may skip.</summary>
    private List<FieldCheck<TContext>>? _checks;

    public PolicyCompilation(PolicyDefinition definition, SignalSchema<TContext> schema)
    {
        _definition = definition;
        _schema = schema;
    }

    public List<PolicyError> Errors { get; } = [];

    /// <summary>The key of the audit sample; null for the unkeyed (evadable) hash.</summary>
    public SamplingKey? SamplingKey { get; init; }

    public CompiledPolicy<TContext>? Compile(KillSwitch killSwitch)
    {
        var d = _definition;
        const string root = JsonPath.Root;
        CheckUnknown(d, root);
        var id = RequireText(d.Id, JsonPath.Property(root, "id"));
        var version = RequireText(d.Version, JsonPath.Property(root, "version"));
        CompileTiers();
        CompileFields();
        CompileSignalDefaults();
        if (_schema.ActionTypeAccessor is null)
        {
            Error(PolicyErrorCode.MissingAccessor, root, "the SignalSchema has no action type accessor: call .ActionType(...)");
        }

        var onInvalid = FailClosedRoute(d.OnInvalidSignal, JsonPath.Property(root, "onInvalidSignal"));
        var onUnknown = FailClosedRoute(d.OnUnknownAction, JsonPath.Property(root, "onUnknownAction"));

        var defaults = CompileScope(d.Defaults, JsonPath.Property(root, "defaults"), "defaults", null);
        var scopes = new List<(string Name, ScopeParts Parts)>();
        if (d.Actions is not null)
        {
            var actionsPath = JsonPath.Property(root, "actions");
            foreach (var (name, action) in d.Actions)
            {
                var path = JsonPath.Property(actionsPath, name);
                if (string.IsNullOrWhiteSpace(name) || name == UnknownActionName)
                {
                    Error(PolicyErrorCode.InvalidValue, path, "an action type needs a name, and '*' is reserved for undeclared action types", Quote(name));
                    continue;
                }

                scopes.Add((name, CompileScope(action, path, name, defaults)));
            }
        }

        var killed = CompileKillSwitch();
        if (Errors.Count > 0)
        {
            return null;
        }

        var names = new PolicyNames(id!, version!, _tiers, [.. _signalNames]);
        var plans = new Dictionary<string, ActionPlan<TContext>>(StringComparer.Ordinal);
        foreach (var (name, parts) in scopes)
        {
            plans[name] = BuildPlan(names, name, defaults, parts, killed.Global || killed.Actions.Contains(name));
        }

        var unknownPlan = BuildPlan(names, UnknownActionName, defaults, null, killed.Global);
        if (Errors.Count > 0)
        {
            return null;
        }

        return new CompiledPolicy<TContext>(names, _schema, plans, unknownPlan, onInvalid, onUnknown, killSwitch, d.Description ?? "", SamplingKey);
    }

    private void CompileTiers()
    {
        var path = JsonPath.Property(JsonPath.Root, "tiers");
        var tiers = _definition.Tiers;
        if (tiers is null || tiers.Count == 0)
        {
            if (tiers is not null)
            {
                Error(PolicyErrorCode.InvalidValue, path, "list at least one reviewer tier, lowest first", "[]");
            }

            tiers = ["reviewer"];
        }

        if (tiers.Count > MaxTiers)
        {
            Error(PolicyErrorCode.InvalidValue, path, $"at most {MaxTiers} reviewer tiers are supported", tiers.Count.ToString(CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            if (string.IsNullOrWhiteSpace(tier))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Index(path, i), "a tier needs a name", Quote(tier));
            }
            else if (!_tierIndex.TryAdd(tier, i))
            {
                Error(PolicyErrorCode.InvalidValue, JsonPath.Index(path, i), $"tier '{tier}' is listed twice", Quote(tier));
            }
        }

        _tiers = [.. tiers];
    }

    private void CompileFields()
    {
        var fieldsPath = JsonPath.Property(JsonPath.Root, "fields");
        if (_definition.Fields is not null)
        {
            foreach (var (name, field) in _definition.Fields)
            {
                var path = JsonPath.Property(fieldsPath, name);
                if (field is null)
                {
                    Error(PolicyErrorCode.MissingValue, path, "a field needs a type");
                    continue;
                }

                CheckUnknown(field, path);
                if (StandardSignals.IndexOf(name) >= 0)
                {
                    Error(PolicyErrorCode.InvalidValue, path, $"'{name}' is a standard signal; standard signals are not declared under fields", Quote(name));
                    continue;
                }

                if (field.Type is not (FieldType.Number or FieldType.Text or FieldType.Flag))
                {
                    Error(PolicyErrorCode.InvalidValue, JsonPath.Property(path, "type"), "a host field is a number, text or flag",
                        Enum.IsDefined(field.Type) ? Quote(field.Type.ToString().ToLowerInvariant()) : ((byte)field.Type).ToString(CultureInfo.InvariantCulture));
                    continue;
                }

                foreach (var (bound, value) in new[] { ("min", field.Min), ("max", field.Max) })
                {
                    if (value is { } number && !double.IsFinite(number))
                    {
                        Error(PolicyErrorCode.InvalidValue, JsonPath.Property(path, bound), "a bound is a finite number; leave it out for no bound", Format(number));
                    }
                }

                if (field.Type != FieldType.Number && (field.Min is not null || field.Max is not null))
                {
                    Error(PolicyErrorCode.InvalidValue, path, "min and max apply to number fields only", field.Type.ToString());
                }

                if (field.Min is { } min && field.Max is { } max && !(min <= max))
                {
                    Error(PolicyErrorCode.InvertedBand, path, "min must not exceed max", $"[{Format(min)}, {Format(max)}]");
                }

                if (field.Default is { } fallback)
                {
                    CompileDefault(name, field, fallback, JsonPath.Property(path, "default"));
                }

                if (!_schema.TryGetField(name, out var registered))
                {
                    Error(PolicyErrorCode.MissingAccessor, path, $"field '{name}' is declared but the SignalSchema registers no accessor for it", Quote(name));
                }
                else if (registered.Type != field.Type)
                {
                    Error(PolicyErrorCode.MissingAccessor, path, $"field '{name}' is declared as {Lower(field.Type)} but registered in the SignalSchema as {Lower(registered.Type)}", Lower(field.Type));
                }
            }
        }

        foreach (var name in _schema.FieldNames)
        {
            _hostIndex[name] = _signalNames.Count;
            _signalNames.Add(name);
        }
    }

    private void CompileDefault(string name, FieldDefinition field, ScalarValue fallback, string path)
    {
        if (fallback.Kind != field.Type)
        {
            Error(PolicyErrorCode.TypeMismatch, path, $"field '{name}' is {Lower(field.Type)}: its default must be a {Lower(field.Type)} value", fallback.ToString());
            return;
        }

        if (fallback.Kind == FieldType.Number && !(double.IsFinite(fallback.Number) &&
            fallback.Number >= (field.Min ?? double.NegativeInfinity) && fallback.Number <= (field.Max ?? double.PositiveInfinity)))
        {
            Error(PolicyErrorCode.InvalidValue, path, "a number default is finite and lies within the field's min and max", fallback.ToString());
            return;
        }

        if (fallback.Kind == FieldType.Text && fallback.Text is null)
        {
            Error(PolicyErrorCode.InvalidValue, path, "a text default is a string", "null");
            return;
        }

        _fieldDefaults[name] = fallback;
    }

    private void CompileSignalDefaults()
    {
        if (_definition.SignalDefaults is not { } defaults)
        {
            return;
        }

        CheckUnknown(defaults, JsonPath.Property(JsonPath.Root, "signalDefaults"));
        _sensitiveDefault = defaults.Sensitive;
        _vulnerableDefault = defaults.Vulnerable;
    }

    private (bool Global, HashSet<string> Actions) CompileKillSwitch()
    {
        var actions = new HashSet<string>(StringComparer.Ordinal);
        var kill = _definition.KillSwitch;
        if (kill is null)
        {
            return (false, actions);
        }

        var path = JsonPath.Property(JsonPath.Root, "killSwitch");
        CheckUnknown(kill, path);
        if (kill.Actions is not null)
        {
            for (var i = 0; i < kill.Actions.Count; i++)
            {
                var name = kill.Actions[i];
                if (_definition.Actions is null || name is null || !_definition.Actions.ContainsKey(name))
                {
                    Error(PolicyErrorCode.UnknownActionType, JsonPath.Index(JsonPath.Property(path, "actions"), i),
                        $"the kill switch names action type '{name}', which the policy does not declare under actions", Quote(name));
                }
                else
                {
                    actions.Add(name);
                }
            }
        }

        return (kill.Global, actions);
    }

    private RouteLevel FailClosedRoute(RouteLevel? route, string path)
    {
        if (route is { } value && value < RouteLevel.Review)
        {
            Error(PolicyErrorCode.FailOpen, path, "a failure must stop for a person: use review, escalate or block", value.ToJsonName());
        }

        return route ?? RouteLevel.Review;
    }

    private ActionPlan<TContext> BuildPlan(PolicyNames names, string actionName, ScopeParts defaults, ScopeParts? action, bool killed)
    {
        var rules = new List<CompiledRule<TContext>>();
        rules.AddRange(action?.Bands ?? defaults.Bands ?? []);
        rules.AddRange(defaults.Risk);
        rules.AddRange(action?.Risk ?? []);
        rules.AddRange(defaults.Impact);
        rules.AddRange(action?.Impact ?? []);
        rules.AddRange(defaults.Evidence);
        rules.AddRange(action?.Evidence ?? []);
        AddGate(rules, action?.CostlyToReverse ?? defaults.CostlyToReverse);
        AddGate(rules, action?.Irreversible ?? defaults.Irreversible);
        AddGate(rules, action?.Sensitive ?? defaults.Sensitive);
        AddGate(rules, action?.Vulnerable ?? defaults.Vulnerable);
        rules.AddRange(defaults.Rules);
        rules.AddRange(action?.Rules ?? []);

        var reads = SignalReads.None;
        foreach (var rule in rules)
        {
            reads |= rule.Reads;
        }

        if (_schema.ReversibilityAccessor is not null)
        {
            reads |= SignalReads.Reversibility;
        }

        var factors = action?.Factors ?? defaults.Factors ?? [];
        if ((reads & SignalReads.Risk) != 0 && factors.Length == 0 && _schema.RiskAccessor is null)
        {
            Error(PolicyErrorCode.MissingAccessor, action?.Path ?? defaults.Path,
                $"action type '{actionName}' reads risk, but the SignalSchema has no risk accessor and no risk factors are declared", actionName);
        }

        var sampling = action?.Sampling ?? defaults.Sampling;
        var review = action?.Review ?? defaults.Review;
        var escalate = action?.Escalate ?? defaults.Escalate;
        if (escalate.Tier < review.Tier)
        {
            Error(PolicyErrorCode.InvalidValue, action?.Path ?? defaults.Path,
                $"for action type '{actionName}' the escalate tier '{_tiers[escalate.Tier]}' ranks below the review tier '{_tiers[review.Tier]}'", _tiers[escalate.Tier]);
        }

        var checks = new List<FieldCheck<TContext>>();
        var checkRules = new List<int>();
        var checkedFields = new HashSet<int>();
        for (var i = 0; i < rules.Count; i++)
        {
            foreach (var check in rules[i].Checks)
            {
                if (checkedFields.Add(check.SignalIndex))
                {
                    checks.Add(check);
                    checkRules.Add(i);
                }
            }
        }

        return new ActionPlan<TContext>
        {
            Checks = [.. checks],
            CheckRules = [.. checkRules],
            SensitiveDefault = _sensitiveDefault,
            VulnerableDefault = _vulnerableDefault,
            Names = new ActionRuleTable(names, actionName, rules.Select(r => r.Id).ToArray()),
            Rules = [.. rules],
            Floor = action?.Floor ?? defaults.Floor ?? RouteLevel.AutoExecute,
            Review = review,
            Escalate = escalate,
            Reads = reads,
            RiskFactors = factors,
            RiskWeightTotal = factors.Sum(f => f.Weight),
            SampleRate = sampling?.Rate ?? 0,
            SampleThreshold = RequestSampler.Threshold(sampling?.Rate ?? 0),
            SampleSalt = RequestSampler.Hash(actionName, 0x4849_544C_5F53_414DUL),
            SampleMode = sampling?.Mode ?? SamplingMode.Flag,
            KilledByPolicy = killed,
        };

        static void AddGate(List<CompiledRule<TContext>> rules, CompiledRule<TContext>? gate)
        {
            if (gate is not null)
            {
                rules.Add(gate);
            }
        }
    }

    private string? RequireText(string? value, string path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(PolicyErrorCode.MissingValue, path, "a value is required here", Quote(value));
            return null;
        }

        return value;
    }

    private void CheckUnknown(DefinitionNode node, string path)
    {
        if (node.UnknownProperties is null)
        {
            return;
        }

        foreach (var (name, value) in node.UnknownProperties)
        {
            var hint = NameSuggestion.Closest(name, KnownProperties(node)) is { Count: > 0 } close
                ? $"did you mean {string.Join(" or ", close.Select(c => "'" + c + "'"))}?"
                : "check its spelling against the policy JSON reference";
            Error(PolicyErrorCode.UnknownProperty, JsonPath.Property(path, name), $"'{name}' is not a property here; {hint}", Shorten(value.GetRawText()));
        }
    }

    /// <summary>The property names a policy document may use on this part, as the serializer reads them.</summary>
    private static IEnumerable<string> KnownProperties(DefinitionNode node) =>
        Json.PolicyJsonContext.Default.GetTypeInfo(node.GetType()) is { } info
            ? info.Properties.Where(p => !p.IsExtensionData).Select(p => p.Name)
            : [];

    private void Error(PolicyErrorCode code, string path, string message, string? value = null) =>
        Errors.Add(new PolicyError(code, path, message, value));

    private static string Quote(string? value) => value is null ? "null" : "\"" + value + "\"";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Lower(FieldType type) => type.ToString().ToLowerInvariant();

    private static string Shorten(string raw) => raw.Length <= 60 ? raw : raw[..57] + "...";
}
