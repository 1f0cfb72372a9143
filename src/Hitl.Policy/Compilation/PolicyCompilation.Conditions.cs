using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

internal sealed partial class PolicyCompilation<TContext>
{
    private const int MaxConditionDepth = 32;

    /// <summary>
    /// Compiles a condition. <paramref name="positive"/> is false under an odd number of <c>not</c>s; it decides which
    /// comparisons on ordered standard signals keep the policy monotone.
    /// </summary>
    private Condition<TContext>? CompileCondition(ConditionDefinition condition, string path, bool positive, ref SignalReads reads, int depth)
    {
        CheckUnknown(condition, path);
        if (depth > MaxConditionDepth)
        {
            Error(PolicyErrorCode.InvalidCondition, path, $"conditions nest at most {MaxConditionDepth} levels deep", depth.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }

        var combinators = (condition.All is not null ? 1 : 0) + (condition.Any is not null ? 1 : 0) + (condition.Not is not null ? 1 : 0);
        var operators = Operators(condition);
        if (combinators + (condition.Field is not null || operators.Count > 0 ? 1 : 0) != 1)
        {
            Error(PolicyErrorCode.InvalidCondition, path,
                "a condition is either a comparison (field with one operator) or exactly one of all, any, not",
                combinators + operators.Count == 0 ? "{}" : string.Join(", ", operators.Concat(Combinators(condition))));
            return null;
        }

        if (condition.Not is not null)
        {
            var inner = CompileCondition(condition.Not, JsonPath.Property(path, "not"), !positive, ref reads, depth + 1);
            return inner is null ? null : new NotCondition<TContext>(inner);
        }

        if (condition.All is not null || condition.Any is not null)
        {
            var isAll = condition.All is not null;
            var list = condition.All ?? condition.Any!;
            var listPath = JsonPath.Property(path, isAll ? "all" : "any");
            if (list.Count == 0)
            {
                Error(PolicyErrorCode.InvalidCondition, listPath, "list at least one condition", "[]");
                return null;
            }

            var parts = new List<Condition<TContext>>();
            var guarded = _guarded;
            for (var i = 0; i < list.Count; i++)
            {
                var itemPath = JsonPath.Index(listPath, i);
                if (list[i] is null)
                {
                    Error(PolicyErrorCode.MissingValue, itemPath, "a condition is required here", "null");
                    continue;
                }

                // Every part after the first may be skipped by short-circuit evaluation.
                _guarded = guarded || i > 0;
                if (CompileCondition(list[i], itemPath, positive, ref reads, depth + 1) is { } part)
                {
                    parts.Add(part);
                }
            }

            _guarded = guarded;

            if (parts.Count != list.Count)
            {
                return null;
            }

            return isAll ? new AllCondition<TContext>([.. parts]) : new AnyCondition<TContext>([.. parts]);
        }

        return CompileComparison(condition, path, operators, positive, ref reads);
    }

    private Condition<TContext>? CompileComparison(ConditionDefinition c, string path, List<string> operators, bool positive, ref SignalReads reads)
    {
        var fieldPath = JsonPath.Property(path, "field");
        if (string.IsNullOrWhiteSpace(c.Field))
        {
            Error(PolicyErrorCode.MissingValue, fieldPath, "a comparison names a field", c.Field is null ? "null" : "\"" + c.Field + "\"");
            return null;
        }

        if (operators.Count != 1)
        {
            Error(PolicyErrorCode.InvalidCondition, path,
                operators.Count == 0 ? "a comparison needs one operator: eq, ne, gt, gte, lt, lte, in or between" : "a comparison has exactly one operator; combine several with all",
                operators.Count == 0 ? "none" : string.Join(", ", operators));
            return null;
        }

        var op = operators[0];
        var opPath = JsonPath.Property(path, op);
        var name = c.Field;
        var standard = StandardSignals.IndexOf(name);
        FieldType type;
        SchemaFieldInfo host = default;
        if (standard == StandardSignals.RequestIdIndex)
        {
            Error(PolicyErrorCode.InvalidValue, fieldPath, "requestId only keys the audit sample; rules cannot compare it", "\"" + name + "\"");
            return null;
        }

        if (standard >= 0)
        {
            RequireStandard(standard, fieldPath);
            type = StandardSignals.Types[standard];
            reads |= standard switch
            {
                StandardSignals.ConfidenceIndex => SignalReads.Confidence,
                StandardSignals.RiskIndex => SignalReads.Risk,
                StandardSignals.EvidenceIndex => SignalReads.Evidence,
                StandardSignals.AmountIndex => SignalReads.Amount,
                StandardSignals.CategoryIndex => SignalReads.Category,
                StandardSignals.ReversibilityIndex => SignalReads.Reversibility,
                StandardSignals.SensitiveIndex => SignalReads.Sensitive,
                StandardSignals.VulnerableIndex => SignalReads.Vulnerable,
                _ => SignalReads.None,
            };
        }
        else if (_schema.TryGetField(name, out var registered))
        {
            type = registered.Type;
            var declared = _definition.Fields?.GetValueOrDefault(name);
            host = new SchemaFieldInfo(registered.Accessor, _hostIndex[name], declared?.Min ?? double.NegativeInfinity,
                declared?.Max ?? double.PositiveInfinity, declared?.Required ?? false,
                _fieldDefaults.TryGetValue(name, out var fallback) ? fallback : (ScalarValue?)null);
            if (_guarded && _checks is not null && PresenceCheck(type, host) is { } check)
            {
                _checks.Add(check);
            }
        }
        else
        {
            Error(PolicyErrorCode.UnknownField, fieldPath,
                $"'{name}' is neither a standard signal nor a host field registered in the SignalSchema (declare it under fields and register an accessor)", "\"" + name + "\"");
            return null;
        }

        return type switch
        {
            FieldType.Number => NumberComparison(c, name, standard, host, op, opPath, positive),
            FieldType.Text => TextComparison(c, name, standard, host, op, opPath),
            FieldType.Flag => FlagComparison(c, name, standard, host, op, opPath, positive),
            _ => ReversibilityComparison(c, op, opPath, positive),
        };
    }

    private Condition<TContext>? NumberComparison(ConditionDefinition c, string name, int standard, SchemaFieldInfo host, string op, string opPath, bool positive)
    {
        if (op == "between")
        {
            var between = c.Between!;
            if (between.Count != 2 || !double.IsFinite(between[0]) || !double.IsFinite(between[1]) || between[0] > between[1])
            {
                Error(PolicyErrorCode.InvalidValue, opPath, "between takes two finite numbers [low, high] with low <= high", "[" + string.Join(", ", between.Select(Format)) + "]");
                return null;
            }

            if (standard >= 0)
            {
                NonMonotone(name, op, opPath, positive, between.Count == 2 ? $"[{Format(between[0])}, {Format(between[1])}]" : null);
                return null;
            }

            return new HostNumberBetweenCondition<TContext>((NumberAccessor<TContext>)host.Accessor, host.Index, name, host.Min, host.Max, between[0], between[1])
            {
                Default = host.NumberDefault,
            };
        }

        if (op == "in")
        {
            var values = c.In!;
            if (values.Count == 0 || values.Any(v => v.Kind != FieldType.Number || !double.IsFinite(v.Number)))
            {
                Error(PolicyErrorCode.TypeMismatch, opPath, $"'{name}' is a number field: in takes a list of finite numbers", "[" + string.Join(", ", values) + "]");
                return null;
            }

            if (standard >= 0)
            {
                NonMonotone(name, op, opPath, positive, null);
                return null;
            }

            return new HostNumberInCondition<TContext>((NumberAccessor<TContext>)host.Accessor, host.Index, name, host.Min, host.Max, values.Select(v => v.Number).ToArray())
            {
                Default = host.NumberDefault,
            };
        }

        var constant = Operand(c, op)!.Value;
        if (constant.Kind != FieldType.Number || !double.IsFinite(constant.Number))
        {
            Error(PolicyErrorCode.TypeMismatch, opPath, $"'{name}' is a number field: '{op}' compares it with a finite number", constant.ToString());
            return null;
        }

        var compare = ToCompareOp(op);
        if (standard >= 0)
        {
            // Lower confidence and evidence are riskier; higher risk and amount are riskier.
            var riskierWhenLower = standard is StandardSignals.ConfidenceIndex or StandardSignals.EvidenceIndex;
            var firesWhenLower = compare is CompareOp.Lt or CompareOp.Lte;
            var firesWhenHigher = compare is CompareOp.Gt or CompareOp.Gte;
            var restrictsRiskier = riskierWhenLower ? firesWhenLower : firesWhenHigher;
            var relaxesRiskier = riskierWhenLower ? firesWhenHigher : firesWhenLower;
            if (!(positive ? restrictsRiskier : relaxesRiskier))
            {
                NonMonotone(name, op, opPath, positive, constant.ToString());
                return null;
            }

            return new StandardNumberCondition<TContext>(standard, compare, constant.Number);
        }

        return new HostNumberCompareCondition<TContext>((NumberAccessor<TContext>)host.Accessor, host.Index, name, host.Min, host.Max, compare, constant.Number)
        {
            Default = host.NumberDefault,
        };
    }

    private Condition<TContext>? TextComparison(ConditionDefinition c, string name, int standard, SchemaFieldInfo host, string op, string opPath)
    {
        List<ScalarValue> values;
        switch (op)
        {
            case "eq" or "ne":
                values = [Operand(c, op)!.Value];
                break;
            case "in":
                values = c.In!;
                break;
            default:
                Error(PolicyErrorCode.TypeMismatch, opPath, $"'{name}' is a text field: compare it with eq, ne or in, not '{op}'", Describe(c, op));
                return null;
        }

        if (values.Count == 0 || values.Any(v => v.Kind != FieldType.Text))
        {
            Error(PolicyErrorCode.TypeMismatch, opPath, $"'{name}' is a text field: '{op}' takes text values", "[" + string.Join(", ", values) + "]");
            return null;
        }

        var set = new TextSet(values.Select(v => v.Text!));
        Condition<TContext> test = standard >= 0
            ? new StandardTextInCondition<TContext>(standard, set)
            : new HostTextInCondition<TContext>((TextAccessor<TContext>)host.Accessor, host.Index, name, host.Required, set) { Default = host.Default?.Text };
        return op == "ne" ? new NotCondition<TContext>(test) : test;
    }

    private Condition<TContext>? FlagComparison(ConditionDefinition c, string name, int standard, SchemaFieldInfo host, string op, string opPath, bool positive)
    {
        if (op is not ("eq" or "ne") || Operand(c, op) is not { Kind: FieldType.Flag } value)
        {
            Error(PolicyErrorCode.TypeMismatch, opPath, $"'{name}' is a flag: compare it with eq or ne and true or false", Describe(c, op));
            return null;
        }

        var expected = op == "eq" ? value.Flag : !value.Flag;
        if (standard >= 0)
        {
            if (expected != positive)
            {
                NonMonotone(name, op, opPath, positive, value.ToString());
                return null;
            }

            return new StandardFlagCondition<TContext>(standard, expected);
        }

        return host.Accessor is OptionalFlagAccessor<TContext> optional
            ? new HostOptionalFlagCondition<TContext>(optional, host.Index, name, expected, positive, host.Default?.Flag)
            : new HostFlagCondition<TContext>((FlagAccessor<TContext>)host.Accessor, name, expected);
    }

    private Condition<TContext>? ReversibilityComparison(ConditionDefinition c, string op, string opPath, bool positive)
    {
        var operands = op == "in" ? c.In! : op == "between" ? [] : [Operand(c, op)!.Value];
        var levels = new List<int>();
        foreach (var operand in operands)
        {
            if (operand.Kind == FieldType.Text && ReversibilityNames.Parse(operand.Text!) is { } level)
            {
                levels.Add((int)level);
            }
            else
            {
                Error(PolicyErrorCode.TypeMismatch, opPath, "reversibility compares with reversible, costly-to-reverse or irreversible", operand.ToString());
                return null;
            }
        }

        if (levels.Count == 0)
        {
            Error(PolicyErrorCode.TypeMismatch, opPath, $"reversibility compares with eq, ne, gt, gte, lt, lte or in, not '{op}'", Describe(c, op));
            return null;
        }

        var mask = 0;
        for (var v = 0; v <= (int)Reversibility.Irreversible; v++)
        {
            var holds = op switch
            {
                "in" => levels.Contains(v),
                "eq" => v == levels[0],
                "ne" => v != levels[0],
                "gt" => v > levels[0],
                "gte" => v >= levels[0],
                "lt" => v < levels[0],
                _ => v <= levels[0],
            };
            mask |= holds ? 1 << v : 0;
        }

        // Monotone: where the condition holds for a value it must hold for every less reversible value (and the
        // other way round under not).
        for (var v = 0; v < (int)Reversibility.Irreversible; v++)
        {
            var here = (mask & (1 << v)) != 0;
            var riskier = (mask & (1 << (v + 1))) != 0;
            if (positive ? here && !riskier : !here && riskier)
            {
                NonMonotone(StandardSignals.Reversibility, op, opPath, positive, Describe(c, op));
                return null;
            }
        }

        return new ReversibilityCondition<TContext>(mask, "reversibility " + op + " " + string.Join(", ", operands.Select(o => o.Text)));
    }

    private void NonMonotone(string name, string op, string path, bool positive, string? value) =>
        Error(PolicyErrorCode.NonMonotoneCondition, path,
            $"'{name} {op}'{(positive ? "" : " under not")} would let a riskier '{name}' get a less restrictive route; " +
            "on standard signals compare only in the risky direction (confidence/evidence: lt, lte; risk/amount: gt, gte; reversibility: gte; sensitive/vulnerable: eq true), " +
            "or use confidence bands and impact tiers",
            value);

    private static List<string> Operators(ConditionDefinition c)
    {
        var list = new List<string>(1);
        if (c.Eq is not null) list.Add("eq");
        if (c.Ne is not null) list.Add("ne");
        if (c.Gt is not null) list.Add("gt");
        if (c.Gte is not null) list.Add("gte");
        if (c.Lt is not null) list.Add("lt");
        if (c.Lte is not null) list.Add("lte");
        if (c.In is not null) list.Add("in");
        if (c.Between is not null) list.Add("between");
        return list;
    }

    private static IEnumerable<string> Combinators(ConditionDefinition c)
    {
        if (c.All is not null) yield return "all";
        if (c.Any is not null) yield return "any";
        if (c.Not is not null) yield return "not";
        if (c.Field is not null) yield return "field";
    }

    private static ScalarValue? Operand(ConditionDefinition c, string op) => op switch
    {
        "eq" => c.Eq,
        "ne" => c.Ne,
        "gt" => c.Gt,
        "gte" => c.Gte,
        "lt" => c.Lt,
        "lte" => c.Lte,
        _ => null,
    };

    private static string Describe(ConditionDefinition c, string op) => op switch
    {
        "in" => "[" + string.Join(", ", c.In!) + "]",
        "between" => "[" + string.Join(", ", c.Between!.Select(Format)) + "]",
        _ => Operand(c, op)?.ToString() ?? "null",
    };

    private static CompareOp ToCompareOp(string op) => op switch
    {
        "eq" => CompareOp.Eq,
        "ne" => CompareOp.Ne,
        "gt" => CompareOp.Gt,
        "gte" => CompareOp.Gte,
        "lt" => CompareOp.Lt,
        _ => CompareOp.Lte,
    };

    /// <summary>The check that a host field is present and valid, for a field that short-circuit evaluation may skip; null when it cannot be missing.</summary>
    private static FieldCheck<TContext>? PresenceCheck(FieldType type, SchemaFieldInfo host) => type switch
    {
        FieldType.Number => new NumberFieldCheck<TContext>((NumberAccessor<TContext>)host.Accessor, host.Index, host.Min, host.Max, host.NumberDefault),
        FieldType.Text when host.Required && host.Default is null => new TextFieldCheck<TContext>((TextAccessor<TContext>)host.Accessor, host.Index),
        FieldType.Flag when host.Accessor is OptionalFlagAccessor<TContext> optional && host.Default is null => new FlagFieldCheck<TContext>(optional, host.Index),
        _ => null,
    };

    private readonly record struct SchemaFieldInfo(Delegate Accessor, int Index, double Min, double Max, bool Required, ScalarValue? Default)
    {
        public double NumberDefault => Default is { Kind: FieldType.Number } value ? value.Number : double.NaN;
    }
}
