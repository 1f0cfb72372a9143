using Hitl.Policy.Definition;

namespace Hitl.Policy;

/// <summary>
/// A ready-made context: the standard signals as properties and host-defined fields by name. Use it when the host has
/// no context type of its own, in tests, and wherever fields are only known from the policy file (as in the CLI).
/// A missing number is NaN, an unset reversibility is <see cref="Policy.Reversibility.Irreversible"/>, and a flag left
/// unset (<see cref="Sensitive"/>, <see cref="Vulnerable"/>, or a name missing from <see cref="Flags"/>) is left out, so
/// that what was not given fails closed: a rule that reads it counts it as its riskiest value and the decision is
/// flagged <see cref="DecisionFlags.InvalidSignal"/>, unless the policy declares a default for it.
/// </summary>
public sealed class Signals
{
    /// <summary>The action type, for example <c>loan.approve</c>.</summary>
    public string? ActionType { get; set; }

    /// <summary>The host's request id (keys the audit sample).</summary>
    public string? RequestId { get; set; }

    /// <summary>The model's confidence in [0, 1].</summary>
    public double Confidence { get; set; } = double.NaN;

    /// <summary>The risk score in [0, 1].</summary>
    public double Risk { get; set; } = double.NaN;

    /// <summary>The evidence quality in [0, 1].</summary>
    public double Evidence { get; set; } = double.NaN;

    /// <summary>The impact amount, at least 0.</summary>
    public double Amount { get; set; } = double.NaN;

    /// <summary>The impact category.</summary>
    public string? Category { get; set; }

    /// <summary>How hard the action is to undo.</summary>
    /// <value>The default value is <see cref="Policy.Reversibility.Irreversible"/>.</value>
    public Reversibility Reversibility { get; set; } = Reversibility.Irreversible;

    /// <summary>Whether the output touches sensitive matters; <see langword="null"/> (the default) when left out.</summary>
    public bool? Sensitive { get; set; }

    /// <summary>Whether the affected person is vulnerable; <see langword="null"/> (the default) when left out.</summary>
    public bool? Vulnerable { get; set; }

    /// <summary>Host-defined number fields by name.</summary>
    public Dictionary<string, double> Numbers { get; } = new(StringComparer.Ordinal);

    /// <summary>Host-defined text fields by name.</summary>
    public Dictionary<string, string?> Texts { get; } = new(StringComparer.Ordinal);

    /// <summary>Host-defined flag fields by name; a name that is not here is left out.</summary>
    public Dictionary<string, bool> Flags { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A schema that reads every standard signal and the host fields a policy declares under <c>fields</c>. A declaration
    /// with a type a host field cannot have is left out here; the compiler reports it.
    /// </summary>
    /// <param name="definition">The policy.</param>
    /// <returns>The schema.</returns>
    public static SignalSchema<Signals> SchemaFor(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var fields = definition.Fields?
            .Where(f => f.Value is not null && StandardSignals.IndexOf(f.Key) < 0 && !string.IsNullOrWhiteSpace(f.Key) &&
                        f.Value.Type is FieldType.Number or FieldType.Text or FieldType.Flag)
            .Select(f => (f.Key, f.Value.Type)) ?? [];
        return Schema(fields);
    }

    /// <summary>A schema that reads every standard signal and the given host fields.</summary>
    /// <param name="fields">The host fields and their types.</param>
    /// <returns>The schema.</returns>
    public static SignalSchema<Signals> Schema(IEnumerable<(string Name, FieldType Type)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var schema = new SignalSchema<Signals>()
            .ActionType(static (in Signals s) => s.ActionType)
            .RequestId(static (in Signals s) => s.RequestId)
            .Confidence(static (in Signals s) => s.Confidence)
            .Risk(static (in Signals s) => s.Risk)
            .Evidence(static (in Signals s) => s.Evidence)
            .Amount(static (in Signals s) => s.Amount)
            .Category(static (in Signals s) => s.Category)
            .Reversibility(static (in Signals s) => s.Reversibility)
            .Sensitive(static (in Signals s) => s.Sensitive)
            .Vulnerable(static (in Signals s) => s.Vulnerable)
            .WithReader<StandardReader>();
        foreach (var (name, type) in fields)
        {
            switch (type)
            {
                case FieldType.Number:
                    schema.Number(name, (in Signals s) => s.Numbers.TryGetValue(name, out var value) ? value : double.NaN);
                    break;
                case FieldType.Text:
                    schema.Text(name, (in Signals s) => s.Texts.GetValueOrDefault(name));
                    break;
                case FieldType.Flag:
                    schema.Flag(name, (in Signals s) => s.Flags.TryGetValue(name, out var value) ? (bool?)value : null);
                    break;
                default:
                    throw new ArgumentException($"Field '{name}' has type {type}; host fields are number, text or flag.", nameof(fields));
            }
        }

        return schema;
    }

    /// <summary>Reads the standard properties directly, so that policies over <see cref="Signals"/> take the specialised hot path.</summary>
    private readonly struct StandardReader : ISignalReader<Signals>
    {
        public static string? Action(in Signals context) => context.ActionType;

        public static string? RequestId(in Signals context) => context.RequestId;

        public static double Confidence(in Signals context) => context.Confidence;

        public static double Risk(in Signals context) => context.Risk;

        public static double Evidence(in Signals context) => context.Evidence;

        public static double Amount(in Signals context) => context.Amount;

        public static string? Category(in Signals context) => context.Category;

        public static Reversibility Reversibility(in Signals context) => context.Reversibility;

        public static bool? Sensitive(in Signals context) => context.Sensitive;

        public static bool? Vulnerable(in Signals context) => context.Vulnerable;
    }
}
