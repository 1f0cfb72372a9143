using System.ComponentModel;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

/// <summary>
/// Tells the policy compiler how to read signals from the host's own context type: one typed accessor per standard
/// signal and per host-defined field. Registered once; the compiled policy calls the accessors without boxing.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <example>
/// <code>
/// var schema = new SignalSchema&lt;LoanRequest&gt;()
///     .ActionType((in LoanRequest r) => r.Action)
///     .Confidence((in LoanRequest r) => r.ModelScore)
///     .Amount((in LoanRequest r) => (double)r.Amount)
///     .Number("applicant.income", (in LoanRequest r) => r.Income);
/// </code>
/// </example>
public sealed class SignalSchema<TContext>
{
    private readonly Dictionary<string, HostField> _fields = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    internal TextAccessor<TContext>? ActionTypeAccessor { get; private set; }

    internal TextAccessor<TContext>? RequestIdAccessor { get; private set; }

    internal NumberAccessor<TContext>? ConfidenceAccessor { get; private set; }

    internal NumberAccessor<TContext>? RiskAccessor { get; private set; }

    internal NumberAccessor<TContext>? EvidenceAccessor { get; private set; }

    internal NumberAccessor<TContext>? AmountAccessor { get; private set; }

    internal TextAccessor<TContext>? CategoryAccessor { get; private set; }

    internal ReversibilityAccessor<TContext>? ReversibilityAccessor { get; private set; }

    internal FlagAccessor<TContext>? SensitiveAccessor { get; private set; }

    internal OptionalFlagAccessor<TContext>? OptionalSensitiveAccessor { get; private set; }

    internal FlagAccessor<TContext>? VulnerableAccessor { get; private set; }

    internal OptionalFlagAccessor<TContext>? OptionalVulnerableAccessor { get; private set; }

    /// <summary>Reads the action type, for example <c>loan.approve</c>. Required.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> ActionType(TextAccessor<TContext> accessor) => Set(() => ActionTypeAccessor = accessor, accessor);

    /// <summary>Reads the host's request id, which keys the deterministic audit sample.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> RequestId(TextAccessor<TContext> accessor) => Set(() => RequestIdAccessor = accessor, accessor);

    /// <summary>Reads the model's confidence in [0, 1].</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Confidence(NumberAccessor<TContext> accessor) => Set(() => ConfidenceAccessor = accessor, accessor);

    /// <summary>Reads a given risk score in [0, 1]. Not needed when the policy computes risk from weighted factors.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Risk(NumberAccessor<TContext> accessor) => Set(() => RiskAccessor = accessor, accessor);

    /// <summary>Reads the evidence quality in [0, 1].</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Evidence(NumberAccessor<TContext> accessor) => Set(() => EvidenceAccessor = accessor, accessor);

    /// <summary>Reads the impact amount (finite, at least 0).</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Amount(NumberAccessor<TContext> accessor) => Set(() => AmountAccessor = accessor, accessor);

    /// <summary>Reads the impact category.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Category(TextAccessor<TContext> accessor) => Set(() => CategoryAccessor = accessor, accessor);

    /// <summary>Reads how reversible the action is.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Reversibility(ReversibilityAccessor<TContext> accessor) => Set(() => ReversibilityAccessor = accessor, accessor);

    /// <summary>Reads whether the output touches sensitive matters.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Sensitive(FlagAccessor<TContext> accessor) =>
        Set(() => (SensitiveAccessor, OptionalSensitiveAccessor) = (accessor, null), accessor);

    /// <summary>
    /// Reads whether the output touches sensitive matters, when the host may not know: <see langword="null"/> means left
    /// out, which counts as sensitive and as an invalid signal unless the policy declares a default (<c>signalDefaults</c>).
    /// </summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Sensitive(OptionalFlagAccessor<TContext> accessor) =>
        Set(() => (SensitiveAccessor, OptionalSensitiveAccessor) = (null, accessor), accessor);

    /// <summary>Reads whether the affected person is vulnerable.</summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Vulnerable(FlagAccessor<TContext> accessor) =>
        Set(() => (VulnerableAccessor, OptionalVulnerableAccessor) = (accessor, null), accessor);

    /// <summary>
    /// Reads whether the affected person is vulnerable, when the host may not know: <see langword="null"/> means left
    /// out, which counts as vulnerable and as an invalid signal unless the policy declares a default (<c>signalDefaults</c>).
    /// </summary>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Vulnerable(OptionalFlagAccessor<TContext> accessor) =>
        Set(() => (VulnerableAccessor, OptionalVulnerableAccessor) = (null, accessor), accessor);

    /// <summary>Registers a host-defined numeric field that rules can name.</summary>
    /// <param name="name">The field name rules use, for example <c>applicant.income</c>.</param>
    /// <param name="accessor">The accessor; return <see cref="double.NaN"/> when the value is missing.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Number(string name, NumberAccessor<TContext> accessor) => Add(name, FieldType.Number, accessor);

    /// <summary>Registers a host-defined text field that rules can name.</summary>
    /// <param name="name">The field name rules use.</param>
    /// <param name="accessor">The accessor; return <see langword="null"/> when the value is missing.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Text(string name, TextAccessor<TContext> accessor) => Add(name, FieldType.Text, accessor);

    /// <summary>Registers a host-defined yes/no field that rules can name.</summary>
    /// <param name="name">The field name rules use.</param>
    /// <param name="accessor">The accessor.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Flag(string name, FlagAccessor<TContext> accessor) => Add(name, FieldType.Flag, accessor);

    /// <summary>
    /// Registers a host-defined yes/no field that the host may not know. <see langword="null"/> means left out: unless the
    /// field declares a <c>default</c>, a rule that reads it counts it as the value that makes the rule apply, and the
    /// decision is flagged <see cref="DecisionFlags.InvalidSignal"/>.
    /// </summary>
    /// <param name="name">The field name rules use.</param>
    /// <param name="accessor">The accessor; return <see langword="null"/> when the value is missing.</param>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> Flag(string name, OptionalFlagAccessor<TContext> accessor) => Add(name, FieldType.Flag, accessor);

    /// <summary>
    /// Attaches a reader of the standard signals with static methods, so that policies compiled with this schema read
    /// them directly instead of through the accessors: the source generator calls this for a
    /// <see cref="HitlSignalsAttribute"/> type. The accessors stay registered; they serve <c>Explain()</c> and the
    /// re-evaluation of a call whose reader threw, so the reader must return what they return.
    /// </summary>
    /// <typeparam name="TReader">The reader.</typeparam>
    /// <returns>This schema.</returns>
    public SignalSchema<TContext> WithReader<TReader>()
        where TReader : struct, ISignalReader<TContext>
    {
        Reader = new ReaderBinding<TContext, TReader>();
        AccessorsCannotThrow = false;
        return this;
    }

    /// <summary>
    /// For generated code: attaches a reader like <see cref="WithReader{TReader}"/> and declares that the reader and every
    /// accessor registered so far only read a field or an auto-implemented property, which cannot throw. A policy
    /// compiled with such a schema routes with no exception handling at all (a null context still fails closed).
    /// Registering another accessor afterwards withdraws the declaration. Hand-written code should call
    /// <see cref="WithReader{TReader}"/>: an exception from an accessor covered by this declaration would escape
    /// <c>Route()</c> instead of stopping the call for a person.
    /// </summary>
    /// <typeparam name="TReader">The generated reader.</typeparam>
    /// <returns>This schema.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public SignalSchema<TContext> WithGeneratedReader<TReader>()
        where TReader : struct, ISignalReader<TContext>
    {
        Reader = new ReaderBinding<TContext, TReader>();
        AccessorsCannotThrow = true;
        return this;
    }

    /// <summary>
    /// For generated code: the C# expression that reads a registered host field from a parameter named <c>context</c>
    /// (for example <c>context.Income</c>), which a router written by <see cref="CompiledPolicy{TContext}.WriteRouterSource"/>
    /// uses in place of the accessor. The <c>[HitlSignals]</c> generator declares one for each field it registers.
    /// </summary>
    /// <param name="field">A host field registered before.</param>
    /// <param name="expression">The expression; it must read exactly what the field's accessor returns.</param>
    /// <returns>This schema.</returns>
    /// <exception cref="ArgumentException">The field is not registered, or the expression is empty.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public SignalSchema<TContext> WithFieldSource(string field, string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        if (!_fields.ContainsKey(field))
        {
            throw new ArgumentException($"Field '{field}' is not registered; register it before declaring its source.", nameof(field));
        }

        _sources[field] = expression;
        return this;
    }

    /// <summary>
    /// What a written router depends on in this schema, as a SHA-256 digest (lower-case hex): the static reader's type,
    /// and each host field in order with its declared source. A router is used only with a schema of the same fingerprint.
    /// </summary>
    internal string SourceFingerprint()
    {
        var text = new System.Text.StringBuilder().Append(Reader?.ReaderType.FullName ?? "(no reader)").Append('\n');
        foreach (var field in _order)
        {
            text.Append(field).Append('\0').Append(_sources.GetValueOrDefault(field) ?? "(accessor)").Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The expression declared with <see cref="WithFieldSource"/>; null when none.</summary>
    internal string? FieldSource(string field) => _sources.GetValueOrDefault(field);

    /// <summary>Whether every accessor only reads a field (see <see cref="WithGeneratedReader{TReader}"/>).</summary>
    internal bool AccessorsCannotThrow { get; private set; }

    /// <summary>The static reader attached with <see cref="WithReader{TReader}"/>; null for accessors only.</summary>
    internal ReaderBinding<TContext>? Reader { get; private set; }

    /// <summary>The host-defined fields, in registration order.</summary>
    public IReadOnlyList<string> FieldNames => _order;

    /// <summary>Whether a standard signal has an accessor.</summary>
    /// <param name="standardSignal">One of <see cref="StandardSignals"/>.</param>
    /// <returns><see langword="true"/> when registered.</returns>
    public bool HasStandardSignal(string standardSignal) => standardSignal switch
    {
        StandardSignals.Action => ActionTypeAccessor is not null,
        StandardSignals.RequestId => RequestIdAccessor is not null,
        StandardSignals.Confidence => ConfidenceAccessor is not null,
        StandardSignals.Risk => RiskAccessor is not null,
        StandardSignals.Evidence => EvidenceAccessor is not null,
        StandardSignals.Amount => AmountAccessor is not null,
        StandardSignals.Category => CategoryAccessor is not null,
        StandardSignals.Reversibility => ReversibilityAccessor is not null,
        StandardSignals.Sensitive => SensitiveAccessor is not null || OptionalSensitiveAccessor is not null,
        StandardSignals.Vulnerable => VulnerableAccessor is not null || OptionalVulnerableAccessor is not null,
        _ => false,
    };

    internal bool TryGetField(string name, out HostField field) => _fields.TryGetValue(name, out field);

    private SignalSchema<TContext> Set(Action assign, Delegate accessor)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        assign();
        AccessorsCannotThrow = false;
        return this;
    }

    private SignalSchema<TContext> Add(string name, FieldType type, Delegate accessor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(accessor);
        if (StandardSignals.IndexOf(name) >= 0)
        {
            throw new ArgumentException($"Field name '{name}' is a standard signal; register it with the {name} method instead.", nameof(name));
        }

        if (!_fields.TryAdd(name, new HostField(name, type, accessor)))
        {
            throw new ArgumentException($"Field '{name}' is already registered.", nameof(name));
        }

        _order.Add(name);
        AccessorsCannotThrow = false;
        return this;
    }

    internal readonly record struct HostField(string Name, FieldType Type, Delegate Accessor);
}
