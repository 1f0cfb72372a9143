using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Hitl.Policy.Evaluation;

internal static class FrameValues
{
    public static double Number(ref SignalFrame frame, int signalIndex) => frame.Number(SignalFrame.NumberSlot(signalIndex));

    /// <summary>Sets a standard signal that rules compare with constants, from a number: flags from 0 or 1, reversibility from 0 to 2.</summary>
    public static void SetScalar(ref SignalFrame frame, int signalIndex, double value)
    {
        switch (signalIndex)
        {
            case StandardSignals.ReversibilityIndex:
                frame.Reversibility = (Reversibility)(byte)Math.Clamp(value, 0, 2);
                break;
            case StandardSignals.SensitiveIndex:
                frame.Sensitive = value >= 1;
                break;
            case StandardSignals.VulnerableIndex:
                frame.Vulnerable = value >= 1;
                break;
            default:
                frame.NumberRef(SignalFrame.NumberSlot(signalIndex)) = value;
                break;
        }
    }

    /// <summary>
    /// The cut points of a comparison with <paramref name="constant"/>: where its result can change, as the first value
    /// of a segment (so "greater than c" changes at the next double above c). False for NaN, which is never folded.
    /// </summary>
    public static bool AddBounds(CompareOp op, double constant, List<double> bounds)
    {
        if (double.IsNaN(constant))
        {
            return false;
        }

        switch (op)
        {
            case CompareOp.Gte or CompareOp.Lt:
                bounds.Add(constant);
                break;
            case CompareOp.Gt or CompareOp.Lte:
                bounds.Add(Math.BitIncrement(constant));
                break;
            default:
                bounds.Add(constant);
                bounds.Add(Math.BitIncrement(constant));
                break;
        }

        return true;
    }

    public static string? Text(ref SignalFrame frame, int signalIndex) =>
        signalIndex == StandardSignals.CategoryIndex ? frame.Category : frame.Action;

    public static bool Flag(ref SignalFrame frame, int signalIndex) =>
        signalIndex == StandardSignals.SensitiveIndex ? frame.Sensitive : frame.Vulnerable;

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(string? value) => value is null ? "(missing)" : "\"" + value + "\"";
}

/// <summary>A comparison on a standard numeric signal (confidence, risk, evidence, amount) read from the frame.</summary>
internal sealed class StandardNumberCondition<TContext>(int signalIndex, CompareOp op, double constant) : Condition<TContext>
{
    public override bool IsPure => true;

    public override bool Evaluate(in TContext context, ref SignalFrame frame) =>
        CompareOps.Apply(op, FrameValues.Number(ref frame, signalIndex), constant);

    public override bool TryGetBounds(out int signal, List<double> bounds)
    {
        signal = signalIndex;
        return FrameValues.AddBounds(op, constant, bounds);
    }

    public override string Source(RouterSource source) =>
        $"({source.Number(signalIndex)} {CompareOps.Symbol(op)} {RouterSource.Literal(constant)})";

    public override void Describe(StringBuilder text) =>
        text.Append(StandardSignals.Names[signalIndex]).Append(' ').Append(CompareOps.Symbol(op)).Append(' ').Append(FrameValues.Format(constant));

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, StandardSignals.Names[signalIndex], FrameValues.Format(FrameValues.Number(ref frame, signalIndex)));
}

/// <summary>A band on a standard numeric signal: min included, max excluded unless <paramref name="maxIncluded"/>.</summary>
internal sealed class StandardBandCondition<TContext>(int signalIndex, double min, double max, bool maxIncluded) : Condition<TContext>
{
    public override bool IsPure => true;

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        var value = FrameValues.Number(ref frame, signalIndex);
        return value >= min && (value < max || (maxIncluded && value == max));
    }

    public override bool TryGetBounds(out int signal, List<double> bounds)
    {
        signal = signalIndex;
        if (double.IsNaN(min) || double.IsNaN(max))
        {
            return false;
        }

        bounds.Add(min);
        bounds.Add(maxIncluded ? Math.BitIncrement(max) : max);
        return true;
    }

    public override string Source(RouterSource source) =>
        $"({source.Number(signalIndex)} >= {RouterSource.Literal(min)} && ({source.Number(signalIndex)} < {RouterSource.Literal(max)}"
            + (maxIncluded ? $" || {source.Number(signalIndex)} == {RouterSource.Literal(max)}))" : "))");

    public override void Describe(StringBuilder text) =>
        text.Append(StandardSignals.Names[signalIndex]).Append(" in [").Append(FrameValues.Format(min)).Append(", ")
            .Append(FrameValues.Format(max)).Append(maxIncluded ? ']' : ')');

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, StandardSignals.Names[signalIndex], FrameValues.Format(FrameValues.Number(ref frame, signalIndex)));
}

/// <summary>Membership of a standard text signal (category, action) in a set of values.</summary>
internal sealed class StandardTextInCondition<TContext>(int signalIndex, TextSet values) : Condition<TContext>
{
    public override bool IsPure => true;

    public override Condition<TContext> Specialize(string action) =>
        signalIndex == StandardSignals.ActionIndex ? ConstantCondition<TContext>.Of(values.Contains(action)) : this;

    public override bool Evaluate(in TContext context, ref SignalFrame frame) => values.Contains(FrameValues.Text(ref frame, signalIndex));

    public override string Source(RouterSource source) =>
        values.Source(source.Text(signalIndex));

    public override void Describe(StringBuilder text) => values.Describe(text.Append(StandardSignals.Names[signalIndex]));

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, StandardSignals.Names[signalIndex], FrameValues.Format(FrameValues.Text(ref frame, signalIndex)));
}

/// <summary>A standard flag signal (sensitive, vulnerable) equals a value.</summary>
internal sealed class StandardFlagCondition<TContext>(int signalIndex, bool expected) : Condition<TContext>
{
    public override bool IsPure => true;

    public override bool Evaluate(in TContext context, ref SignalFrame frame) => FrameValues.Flag(ref frame, signalIndex) == expected;

    public override bool TryGetBounds(out int signal, List<double> bounds)
    {
        signal = signalIndex;
        bounds.Add(1);
        return true;
    }

    public override string Source(RouterSource source) =>
        $"({source.Flag(signalIndex)} == {RouterSource.Literal(expected)})";

    public override void Describe(StringBuilder text) =>
        text.Append(StandardSignals.Names[signalIndex]).Append(" == ").Append(expected ? "true" : "false");

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, StandardSignals.Names[signalIndex], FrameValues.Flag(ref frame, signalIndex) ? "true" : "false");
}

/// <summary>Reversibility is one of a set of values (a bit mask over the enum).</summary>
internal sealed class ReversibilityCondition<TContext>(int mask, string description) : Condition<TContext>
{
    public override bool IsPure => true;

    public override bool Evaluate(in TContext context, ref SignalFrame frame) => ((1 << (int)frame.Reversibility) & mask) != 0;

    public override bool TryGetBounds(out int signal, List<double> bounds)
    {
        signal = StandardSignals.ReversibilityIndex;
        bounds.Add((byte)Reversibility.CostlyToReverse);
        bounds.Add((byte)Reversibility.Irreversible);
        return true;
    }

    public override string Source(RouterSource source) =>
        $"(((1 << (int){source.Reversibility}) & {mask}) != 0)";

    public override void Describe(StringBuilder text) => text.Append(description);

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, StandardSignals.Reversibility, ReversibilityNames.Of(frame.Reversibility));
}

/// <summary>A host-defined numeric field read through its accessor and checked against its declared range.</summary>
internal abstract class HostNumberCondition<TContext>(NumberAccessor<TContext> accessor, int signalIndex, string name, double min, double max)
    : Condition<TContext>
{
    /// <summary>The policy's value for a left-out (NaN) number; NaN when it declares none.</summary>
    public double Default { get; init; } = double.NaN;

    protected string Name => name;

    protected NumberAccessor<TContext> Accessor => accessor;

    protected int SignalIndex => signalIndex;

    protected double Min => min;

    protected double Max => max;

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        var value = accessor(in context);
        if (!(value >= min && value <= max && double.IsFinite(value)))
        {
            if (!double.IsNaN(value) || double.IsNaN(Default))
            {
                frame.MarkInvalid(signalIndex);
                return false;
            }

            value = Default;
        }

        return Test(value);
    }

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, name, FrameValues.Format(accessor(in context)));

    protected abstract bool Test(double value);
}

/// <summary>
/// A comparison of a host number with a constant. A valid host value is finite, so every operator is a test against
/// one interval [low, high) (negated for "not equal"), computed once here instead of switching on the operator per call.
/// </summary>
internal sealed class HostNumberCompareCondition<TContext> : HostNumberCondition<TContext>
{
    private readonly CompareOp op;
    private readonly double constant;
    private readonly double _low;
    private readonly double _high;
    private readonly bool _negate;

    public HostNumberCompareCondition(
        NumberAccessor<TContext> accessor, int signalIndex, string name, double min, double max, CompareOp op, double constant)
        : base(accessor, signalIndex, name, min, max)
    {
        this.op = op;
        this.constant = constant;
        (_low, _high, _negate) = op switch
        {
            CompareOp.Gt => (Math.BitIncrement(constant), double.PositiveInfinity, false),
            CompareOp.Gte => (constant, double.PositiveInfinity, false),
            CompareOp.Lt => (double.NegativeInfinity, constant, false),
            CompareOp.Lte => (double.NegativeInfinity, Math.BitIncrement(constant), false),
            CompareOp.Eq => (constant, Math.BitIncrement(constant), false),
            _ => (constant, Math.BitIncrement(constant), true),
        };
    }

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        var value = Accessor(in context);
        if (!(value >= Min && value <= Max && double.IsFinite(value)))
        {
            if (!double.IsNaN(value) || double.IsNaN(Default))
            {
                frame.MarkInvalid(SignalIndex);
                return false;
            }

            value = Default;
        }

        return (value >= _low && value < _high) != _negate;
    }

    protected override bool Test(double value) => CompareOps.Apply(op, value, constant);

    public override string Source(RouterSource source) =>
        source.HostNumber(Name, Min, Max, Default, SignalIndex, value => _negate
            ? $"!({value} >= {RouterSource.Literal(_low)} && {value} < {RouterSource.Literal(_high)})"
            : $"({value} >= {RouterSource.Literal(_low)} && {value} < {RouterSource.Literal(_high)})");

    public override void Describe(StringBuilder text) =>
        text.Append(Name).Append(' ').Append(CompareOps.Symbol(op)).Append(' ').Append(FrameValues.Format(constant));
}

internal sealed class HostNumberBetweenCondition<TContext>(
    NumberAccessor<TContext> accessor, int signalIndex, string name, double min, double max, double low, double high)
    : HostNumberCondition<TContext>(accessor, signalIndex, name, min, max)
{
    protected override bool Test(double value) => value >= low && value <= high;

    public override string Source(RouterSource source) =>
        source.HostNumber(Name, Min, Max, Default, SignalIndex, value => $"({value} >= {RouterSource.Literal(low)} && {value} <= {RouterSource.Literal(high)})");

    public override void Describe(StringBuilder text) =>
        text.Append(Name).Append(" in [").Append(FrameValues.Format(low)).Append(", ").Append(FrameValues.Format(high)).Append(']');
}

/// <summary>
/// Membership of a host number in a set of finite numbers: a binary search over the sorted values, O(log n) and
/// allocation-free (a linear scan cost 1.7 ms per call for a million values).
/// </summary>
internal sealed class HostNumberInCondition<TContext>(
    NumberAccessor<TContext> accessor, int signalIndex, string name, double min, double max, double[] values)
    : HostNumberCondition<TContext>(accessor, signalIndex, name, min, max)
{
    private readonly double[] _sorted = Sorted(values);

    protected override bool Test(double value) => Array.BinarySearch(_sorted, value) >= 0;

    private static double[] Sorted(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    public override string Source(RouterSource source) =>
        source.HostNumber(Name, Min, Max, Default, SignalIndex, value => $"(global::System.Array.BinarySearch({source.Numbers(_sorted)}, {value}) >= 0)");

    public override void Describe(StringBuilder text) =>
        text.Append(Name).Append(" in [").Append(string.Join(", ", values.Select(FrameValues.Format))).Append(']');
}

/// <summary>A host-defined text field is one of a set of values.</summary>
internal sealed class HostTextInCondition<TContext>(TextAccessor<TContext> accessor, int signalIndex, string name, bool required, TextSet values)
    : Condition<TContext>
{
    /// <summary>The policy's value for a left-out (null) text; null when it declares none.</summary>
    public string? Default { get; init; }

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        var value = accessor(in context) ?? Default;
        if (value is null && required)
        {
            frame.MarkInvalid(signalIndex);
            return false;
        }

        return values.Contains(value);
    }

    public override string Source(RouterSource source) =>
        source.HostText(name, Default, required, signalIndex, value => values.Source(value));

    public override void Describe(StringBuilder text) => values.Describe(text.Append(name));

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, name, FrameValues.Format(accessor(in context)));
}

internal sealed class HostFlagCondition<TContext>(FlagAccessor<TContext> accessor, string name, bool expected) : Condition<TContext>
{
    public override bool Evaluate(in TContext context, ref SignalFrame frame) => accessor(in context) == expected;

    public override string Source(RouterSource source) =>
        $"({source.FlagField(name)} == {RouterSource.Literal(expected)})";

    public override void Describe(StringBuilder text) => text.Append(name).Append(" == ").Append(expected ? "true" : "false");

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, name, accessor(in context) ? "true" : "false");
}

/// <summary>
/// A host-defined flag that the host may leave out (null). Left out and without a policy default, it is an invalid
/// signal and the condition takes the value that makes its rule apply: true where the rule needs it true, false under an
/// odd number of <c>not</c>s (<paramref name="positive"/>), so a missing flag never relaxes a decision.
/// </summary>
internal sealed class HostOptionalFlagCondition<TContext>(
    OptionalFlagAccessor<TContext> accessor, int signalIndex, string name, bool expected, bool positive, bool? defaultValue) : Condition<TContext>
{
    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        if ((accessor(in context) ?? defaultValue) is { } value)
        {
            return value == expected;
        }

        frame.MarkInvalid(signalIndex);
        return positive;
    }

    public override string Source(RouterSource source) =>
        $"HostOptionalFlag({source.OptionalFlagField(name, defaultValue)}, {RouterSource.Literal(expected)}, {RouterSource.Literal(positive)}, {signalIndex}, ref invalid)";

    public override void Describe(StringBuilder text) => text.Append(name).Append(" == ").Append(expected ? "true" : "false");

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        AddInput(inputs, name, accessor(in context) is { } value ? (value ? "true" : "false") : defaultValue is { } d ? (d ? "true (default)" : "false (default)") : "(missing)");
}

/// <summary>
/// Checks, before any rule runs, that a host field a rule may skip (a later part of an <c>all</c> or <c>any</c>) is present
/// and valid, so that short-circuit evaluation never hides a missing field: the decision is flagged either way.
/// </summary>
internal abstract class FieldCheck<TContext>(int signalIndex)
{
    public int SignalIndex { get; } = signalIndex;

    public abstract bool IsInvalid(in TContext context);

    /// <summary><see cref="IsInvalid"/> as a C# expression of a written router.</summary>
    public abstract string Source(RouterSource source);
}

internal sealed class NumberFieldCheck<TContext>(NumberAccessor<TContext> accessor, int signalIndex, double min, double max, double defaultValue)
    : FieldCheck<TContext>(signalIndex)
{
    public override bool IsInvalid(in TContext context)
    {
        var value = accessor(in context);
        return !(value >= min && value <= max && double.IsFinite(value)) && !(double.IsNaN(value) && !double.IsNaN(defaultValue));
    }

    public override string Source(RouterSource source) =>
        $"NumberMissing({source.NumberField(source.FieldOf(SignalIndex))}, {RouterSource.Literal(min)}, {RouterSource.Literal(max)}, {RouterSource.Literal(defaultValue)})";
}

internal sealed class TextFieldCheck<TContext>(TextAccessor<TContext> accessor, int signalIndex) : FieldCheck<TContext>(signalIndex)
{
    public override bool IsInvalid(in TContext context) => accessor(in context) is null;

    public override string Source(RouterSource source) => $"({source.TextField(source.FieldOf(SignalIndex))} is null)";
}

internal sealed class FlagFieldCheck<TContext>(OptionalFlagAccessor<TContext> accessor, int signalIndex) : FieldCheck<TContext>(signalIndex)
{
    public override bool IsInvalid(in TContext context) => accessor(in context) is null;

    public override string Source(RouterSource source) => $"({source.OptionalFlagField(source.FieldOf(SignalIndex), null)} is null)";
}

internal sealed class AllCondition<TContext>(Condition<TContext>[] parts) : Condition<TContext>
{
    public override bool IsPure => parts.All(p => p.IsPure);

    public override Condition<TContext> Specialize(string action)
    {
        var specialized = parts.Select(p => p.Specialize(action)).ToArray();
        if (specialized.Any(p => p is ConstantCondition<TContext> { Value: false }) && specialized.All(p => p.IsPure))
        {
            return ConstantCondition<TContext>.Of(false);
        }

        var kept = specialized.Where(p => p is not ConstantCondition<TContext> { Value: true }).ToArray();
        return kept.Length switch
        {
            0 => ConstantCondition<TContext>.Of(true),
            1 => kept[0],
            _ => kept.SequenceEqual(parts) ? this : new AllCondition<TContext>(kept),
        };
    }

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        foreach (var part in parts)
        {
            if (!part.Evaluate(in context, ref frame))
            {
                return false;
            }
        }

        return true;
    }

    public override string Source(RouterSource source) =>
        parts.Length == 0 ? "true" : "(" + string.Join(" && ", parts.Select(part => part.Source(source))) + ")";

    public override void Describe(StringBuilder text) => Join(text, "all", parts);

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs)
    {
        foreach (var part in parts)
        {
            part.CollectInputs(in context, ref frame, inputs);
        }
    }

    internal static void Join(StringBuilder text, string word, Condition<TContext>[] parts)
    {
        text.Append(word).Append('(');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            parts[i].Describe(text);
        }

        text.Append(')');
    }
}

internal sealed class AnyCondition<TContext>(Condition<TContext>[] parts) : Condition<TContext>
{
    public override bool IsPure => parts.All(p => p.IsPure);

    public override Condition<TContext> Specialize(string action)
    {
        var specialized = parts.Select(p => p.Specialize(action)).ToArray();
        if (specialized.Any(p => p is ConstantCondition<TContext> { Value: true }) && specialized.All(p => p.IsPure))
        {
            return ConstantCondition<TContext>.Of(true);
        }

        var kept = specialized.Where(p => p is not ConstantCondition<TContext> { Value: false }).ToArray();
        return kept.Length switch
        {
            0 => ConstantCondition<TContext>.Of(false),
            1 => kept[0],
            _ => kept.SequenceEqual(parts) ? this : new AnyCondition<TContext>(kept),
        };
    }

    public override bool Evaluate(in TContext context, ref SignalFrame frame)
    {
        foreach (var part in parts)
        {
            if (part.Evaluate(in context, ref frame))
            {
                return true;
            }
        }

        return false;
    }

    public override string Source(RouterSource source) =>
        parts.Length == 0 ? "false" : "(" + string.Join(" || ", parts.Select(part => part.Source(source))) + ")";

    public override void Describe(StringBuilder text) => AllCondition<TContext>.Join(text, "any", parts);

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs)
    {
        foreach (var part in parts)
        {
            part.CollectInputs(in context, ref frame, inputs);
        }
    }
}

internal sealed class NotCondition<TContext>(Condition<TContext> inner) : Condition<TContext>
{
    public override bool IsPure => inner.IsPure;

    public override Condition<TContext> Specialize(string action) => inner.Specialize(action) switch
    {
        ConstantCondition<TContext> constant => ConstantCondition<TContext>.Of(!constant.Value),
        var same when ReferenceEquals(same, inner) => this,
        var other => new NotCondition<TContext>(other),
    };

    public override bool Evaluate(in TContext context, ref SignalFrame frame) => !inner.Evaluate(in context, ref frame);

    public override string Source(RouterSource source) =>
        "!" + inner.Source(source);

    public override void Describe(StringBuilder text)
    {
        text.Append("not(");
        inner.Describe(text);
        text.Append(')');
    }

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs) =>
        inner.CollectInputs(in context, ref frame, inputs);
}

/// <summary>A condition the compiler found constant for one action type (see <see cref="Condition{TContext}.Specialize"/>).</summary>
internal sealed class ConstantCondition<TContext> : Condition<TContext>
{
    private static readonly ConstantCondition<TContext> True = new(true);
    private static readonly ConstantCondition<TContext> False = new(false);

    private ConstantCondition(bool value) => Value = value;

    public bool Value { get; }

    public override bool IsPure => true;

    public static ConstantCondition<TContext> Of(bool value) => value ? True : False;

    public override bool Evaluate(in TContext context, ref SignalFrame frame) => Value;

    public override string Source(RouterSource source) =>
        RouterSource.Literal(Value);

    public override void Describe(StringBuilder text) => text.Append(Value ? "true" : "false");

    public override void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs)
    {
    }
}

/// <summary>A set of text values compared ordinally: a short array scan for a few values, a frozen set for many.</summary>
internal sealed class TextSet
{
    private const int ScanLimit = 8;
    private readonly string[] _values;
    private readonly FrozenSet<string>? _set;

    public TextSet(IEnumerable<string> values)
    {
        _values = values.Distinct(StringComparer.Ordinal).ToArray();
        _set = _values.Length > ScanLimit ? _values.ToFrozenSet(StringComparer.Ordinal) : null;
    }

    public bool Contains(string? value)
    {
        if (value is null)
        {
            return false;
        }

        if (_set is not null)
        {
            return _set.Contains(value);
        }

        foreach (var candidate in _values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Membership as a C# pattern test of <paramref name="value"/> (ordinal, false for null).</summary>
    public string Source(string value) =>
        _values.Length == 0 ? "false" : $"({value} is " + string.Join(" or ", _values.Select(RouterSource.Literal)) + ")";

    public StringBuilder Describe(StringBuilder text) =>
        _values.Length == 1
            ? text.Append(" == ").Append(FrameValues.Format(_values[0]))
            : text.Append(" in [").Append(string.Join(", ", _values.Select(FrameValues.Format))).Append(']');
}
