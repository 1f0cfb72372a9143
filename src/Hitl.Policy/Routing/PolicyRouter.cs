using System.Collections.Frozen;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy;

/// <summary>
/// The base of a router written as C# for one policy by <see cref="CompiledPolicy{TContext}.WriteRouterSource"/>: every
/// rule as straight-line code with its constants in place, compiled with the host's own project, so the JIT and Native
/// AOT see the same code. Pass an instance to <see cref="PolicyCompiler.Compile{TContext}(PolicyDefinition, SignalSchema{TContext}, PolicyRouter{TContext}, KillSwitch?, SamplingKey?)"/>:
/// the compiled policy routes through it only when it was written for exactly that policy and schema (its
/// <see cref="PolicyHash"/> and field list), and through the interpreter otherwise (a reloaded policy, a stale file).
/// </summary>
/// <remarks>
/// Write the source again whenever the policy changes; <see cref="CompiledPolicy{TContext}.IsPrecompiled"/> says
/// whether the router is in use. The protected members are for the written code only.
/// </remarks>
/// <typeparam name="TContext">The host's context type.</typeparam>
public abstract class PolicyRouter<TContext>
{
    private readonly string[] _actionTypes;
    private readonly string[] _fields;
    private readonly string _schemaFingerprint;
    private CompiledPolicy<TContext>? _policy;
    private ActionRuleTable[] _tables = [];
    private ActionRuleTable _unknown = null!;
    private Delegate[] _accessors = [];
    private FrozenDictionary<string, int> _plans = FrozenDictionary<string, int>.Empty;
    private KillSwitch _killSwitch = null!;
    private SamplingKey? _samplingKey;

    /// <summary>Creates the router; called by the written code.</summary>
    /// <param name="policyHash">The <see cref="CompiledPolicy{TContext}.PolicyHash"/> of the policy the code was written for.</param>
    /// <param name="schemaFingerprint">The digest of what the code reads through the schema: its reader and its fields' sources.</param>
    /// <param name="actionTypes">The policy's action types, in the order the code numbers its plans.</param>
    /// <param name="fields">The schema's host fields, in registration order.</param>
    protected PolicyRouter(string policyHash, string schemaFingerprint, string[] actionTypes, string[] fields)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyHash);
        ArgumentException.ThrowIfNullOrWhiteSpace(schemaFingerprint);
        _schemaFingerprint = schemaFingerprint;
        ArgumentNullException.ThrowIfNull(actionTypes);
        ArgumentNullException.ThrowIfNull(fields);
        PolicyHash = policyHash;
        _actionTypes = [.. actionTypes];
        _fields = [.. fields];
    }

    /// <summary>The digest of the policy definition the code was written for.</summary>
    public string PolicyHash { get; }

    /// <summary>Routes one call; only through the compiled policy the router is bound to.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The decision.</returns>
    protected abstract Decision Route(in TContext context);

    /// <summary><see cref="Route"/>, for the compiled policy the router is bound to.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Decision RouteBound(in TContext context) => Route(in context);

    /// <summary>
    /// Whether the code was written for this policy: the same definition digest, the same reader and field sources in
    /// the schema, the same action types, the same host fields in the same order.
    /// </summary>
    internal bool Fits(CompiledPolicy<TContext> policy, SignalSchema<TContext> schema) =>
        string.Equals(PolicyHash, policy.PolicyHash, StringComparison.Ordinal)
        && string.Equals(_schemaFingerprint, schema.SourceFingerprint(), StringComparison.Ordinal)
        && _fields.SequenceEqual(schema.FieldNames, StringComparer.Ordinal)
        && _actionTypes.Order(StringComparer.Ordinal).SequenceEqual(policy.ActionTypes.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    internal void Bind(CompiledPolicy<TContext> policy, SignalSchema<TContext> schema)
    {
        if (Interlocked.CompareExchange(ref _policy, policy, null) is not null)
        {
            throw new InvalidOperationException(
                $"This {GetType().Name} already routes for a compiled policy; create a new instance for each PolicyCompiler.Compile call.");
        }

        _tables = [.. _actionTypes.Select(action => policy.PlanFor(action).Names)];
        _unknown = policy.UnknownPlan.Names;
        _plans = _actionTypes.Select((action, i) => (action, i)).ToFrozenDictionary(p => p.action, p => p.i, StringComparer.Ordinal);
        _accessors = [.. _fields.Select(field => schema.TryGetField(field, out var host) ? host.Accessor : throw new InvalidOperationException($"Field '{field}' is not in the schema."))];
        _killSwitch = policy.KillSwitch;
        _samplingKey = policy.SamplingKey;
    }

    /// <summary>The decision of plan <paramref name="plan"/> (an index into the action types; -1 for an undeclared one).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected Decision Decide(
        int plan, RouteLevel route, int tier, int approvals, long deadlineTicks, RouteLevel timeoutFallback, DecisionFlags flags,
        int decider, int invalidSignal, ulong fired0, ulong fired1) =>
        new(plan < 0 ? _unknown : _tables[plan], route, tier, approvals, deadlineTicks, timeoutFallback, flags, decider, invalidSignal, fired0, fired1);

    /// <summary>The plan of an action type by its value: the index of its action type, -1 for an undeclared one.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected int PlanOf(string action) => _plans.TryGetValue(action, out var plan) ? plan : -1;

    /// <summary>Whether the kill switch is engaged for the action type.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool KillSwitchEngaged(string? action) => _killSwitch.IsEngaged(action);

    /// <summary>Whether the audit sample takes the request, under the policy's sampling key.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool Sampled(string? requestId, ulong salt, ulong threshold) => RequestSampler.IsSampled(requestId, salt, threshold, _samplingKey);

    /// <summary>The call on the policy's guarded path (a null context, which fails closed there).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Decision RouteGuarded(in TContext context) => _policy!.RouteGuarded(in context, faultSeen: false);

    /// <summary>A host numeric field read through the schema's accessor (a field without written source).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected double NumberField(int field, in TContext context) => ((NumberAccessor<TContext>)_accessors[field])(in context);

    /// <summary>A host text field read through the schema's accessor.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected string? TextField(int field, in TContext context) => ((TextAccessor<TContext>)_accessors[field])(in context);

    /// <summary>A host flag read through the schema's accessor.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool FlagField(int field, in TContext context) => ((FlagAccessor<TContext>)_accessors[field])(in context);

    /// <summary>A host flag that may be left out, read through the schema's accessor.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected bool? OptionalFlagField(int field, in TContext context) => ((OptionalFlagAccessor<TContext>)_accessors[field])(in context);

    /// <summary>Marks a signal invalid unless one is already: the first invalid signal is the one a decision names.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static void Mark(ref int invalid, int signal)
    {
        if (invalid < 0)
        {
            invalid = signal;
        }
    }

    /// <summary>A signal that must lie in [0, 1]; an invalid one is marked and read as <paramref name="riskiest"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Unit(double value, int signal, double riskiest, ref int invalid)
    {
        if (value >= 0 && value <= 1)
        {
            return value;
        }

        Mark(ref invalid, signal);
        return riskiest;
    }

    /// <summary>The amount: finite and at least 0, or marked and read as <see cref="double.MaxValue"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Amount(double value, ref int invalid)
    {
        if (value >= 0 && double.IsFinite(value))
        {
            return value;
        }

        Mark(ref invalid, StandardSignals.AmountIndex);
        return double.MaxValue;
    }

    /// <summary>The computed risk from the weighted sum of its factors: finite and at least 0 (at most 1), or marked and 1.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static double Risk(double sum, double weightTotal, ref int invalid)
    {
        var risk = sum / weightTotal;
        if (!(risk >= 0 && double.IsFinite(risk)))
        {
            Mark(ref invalid, StandardSignals.RiskIndex);
            return 1;
        }

        return Math.Min(1, risk);
    }

    /// <summary>A standard flag the host may leave out: left out, it is marked and reads as true.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool Flag(bool? value, int signal, ref int invalid)
    {
        if (value is { } given)
        {
            return given;
        }

        Mark(ref invalid, signal);
        return true;
    }

    /// <summary>
    /// A host number checked against its declared range: false (and marked) when invalid; a left-out (NaN) value takes
    /// the policy's default when it has one.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool HostNumber(double value, double min, double max, double defaultValue, int signal, ref int invalid, out double result)
    {
        if (!(value >= min && value <= max && double.IsFinite(value)))
        {
            if (!double.IsNaN(value) || double.IsNaN(defaultValue))
            {
                Mark(ref invalid, signal);
                result = 0;
                return false;
            }

            value = defaultValue;
        }

        result = value;
        return true;
    }

    /// <summary>Whether a host number is missing or out of its range (a presence check before the rules).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool NumberMissing(double value, double min, double max, double defaultValue) =>
        !(value >= min && value <= max && double.IsFinite(value)) && !(double.IsNaN(value) && !double.IsNaN(defaultValue));

    /// <summary>A host text that may be required: false (and marked) when required and missing.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool HostText(string? value, bool required, int signal, ref int invalid, out string? result)
    {
        result = value;
        if (value is null && required)
        {
            Mark(ref invalid, signal);
            return false;
        }

        return true;
    }

    /// <summary>
    /// A host flag that may be left out, compared with <paramref name="expected"/>: left out, it is marked and the test
    /// takes <paramref name="positive"/>, the value that makes its rule apply.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static bool HostOptionalFlag(bool? value, bool expected, bool positive, int signal, ref int invalid)
    {
        if (value is { } given)
        {
            return given == expected;
        }

        Mark(ref invalid, signal);
        return positive;
    }
}
