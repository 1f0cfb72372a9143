using System.Globalization;
using System.Text;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// What a condition needs to write itself as C# (<see cref="Condition{TContext}.Source"/>): the names of the plan's
/// signal variables, how to read each host field, unique names, and the class's static tables. Every value from the
/// policy reaches the source as a literal written by <see cref="Literal(string)"/>, never as raw text.
/// </summary>
internal abstract class RouterSource
{
    private readonly List<string> _statics = [];
    private int _unique;

    /// <summary>The static fields the conditions asked for (sorted number sets), to declare in the class.</summary>
    public IReadOnlyList<string> Statics => _statics;

    /// <summary>The standard signal variables the conditions written since <see cref="ClearUsed"/> read.</summary>
    public ISet<string> Used { get; } = new HashSet<string>(StringComparer.Ordinal);

    public void ClearUsed() => Used.Clear();

    public string Number(int signalIndex) => Use(signalIndex switch
    {
        StandardSignals.ConfidenceIndex => "confidence",
        StandardSignals.RiskIndex => "risk",
        StandardSignals.EvidenceIndex => "evidence",
        StandardSignals.AmountIndex => "amount",
        _ => throw new ArgumentOutOfRangeException(nameof(signalIndex), signalIndex, "not a standard numeric signal"),
    });

    public string Text(int signalIndex) => Use(signalIndex == StandardSignals.CategoryIndex ? "category" : "action");

    public string Flag(int signalIndex) => Use(signalIndex == StandardSignals.SensitiveIndex ? "sensitive" : "vulnerable");

    public string Reversibility => Use("reversibility");

    private string Use(string variable)
    {
        Used.Add(variable);
        return variable;
    }

    /// <summary>The host field of a signal index.</summary>
    public abstract string FieldOf(int signalIndex);

    public abstract string NumberField(string field);

    public abstract string TextField(string field);

    public abstract string FlagField(string field);

    /// <summary>A flag that may be left out, with the policy's default (if any) applied.</summary>
    public string OptionalFlagField(string field, bool? defaultValue) =>
        defaultValue is { } value ? $"({OptionalFlagRead(field)} ?? {Literal(value)})" : OptionalFlagRead(field);

    protected abstract string OptionalFlagRead(string field);

    /// <summary>A host number checked against its range (marking it when invalid), then tested.</summary>
    public string HostNumber(string field, double min, double max, double defaultValue, int signalIndex, Func<string, string> test)
    {
        var value = Unique("n");
        return $"(HostNumber({NumberField(field)}, {Literal(min)}, {Literal(max)}, {Literal(defaultValue)}, {signalIndex}, ref invalid, out var {value}) && {test(value)})";
    }

    /// <summary>A host text with the policy's default applied, checked for presence when required, then tested.</summary>
    public string HostText(string field, string? defaultValue, bool required, int signalIndex, Func<string, string> test)
    {
        var value = Unique("t");
        var read = defaultValue is null ? TextField(field) : $"({TextField(field)} ?? {Literal(defaultValue)})";
        return $"(HostText({read}, {Literal(required)}, {signalIndex}, ref invalid, out var {value}) && {test(value)})";
    }

    /// <summary>A static sorted array of numbers in the class; its name.</summary>
    public string Numbers(double[] sorted)
    {
        var name = "s_numbers" + _statics.Count.ToString(CultureInfo.InvariantCulture);
        _statics.Add($"private static readonly double[] {name} = new double[] {{ {string.Join(", ", sorted.Select(Literal))} }};");
        return name;
    }

    public string Unique(string prefix) => prefix + (_unique++).ToString(CultureInfo.InvariantCulture);

    /// <summary>A double as a C# literal that reads back as exactly the same value.</summary>
    public static string Literal(double value) => value switch
    {
        double.PositiveInfinity => "double.PositiveInfinity",
        double.NegativeInfinity => "double.NegativeInfinity",
        _ when double.IsNaN(value) => "double.NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture) + "d",
    };

    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Literal(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture) + "UL";

    public static string Literal(bool value) => value ? "true" : "false";

    /// <summary>
    /// Text from the policy as a C# string literal: every character outside printable ASCII, and the quote and the
    /// backslash, written as an escape, so no policy value can end the literal or reach the code around it.
    /// </summary>
    public static string Literal(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\')
            {
                text.Append(c);
            }
            else
            {
                text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return text.Append('"').ToString();
    }

    public static string Literal(RouteLevel route) => "global::Hitl.Policy.RouteLevel." + route;

    /// <summary>The C# name of a type, from the global namespace; a generic, array or pointer type has none here.</summary>
    public static string TypeName(Type type)
    {
        if (type.IsGenericType || type.IsArray || type.IsPointer || type.IsByRef || type.IsGenericParameter)
        {
            throw new NotSupportedException($"A written router cannot name the type '{type}': use a non-generic context and reader type.");
        }

        return type.DeclaringType is { } outer
            ? TypeName(outer) + "." + type.Name
            : "global::" + (string.IsNullOrEmpty(type.Namespace) ? "" : type.Namespace + ".") + type.Name;
    }
}
