using Hitl.Policy.DependencyInjection;
using System.Collections.Concurrent;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Review;

/// <summary>
/// A policy that can be replaced while it is in use. Callers route through one volatile reference to an immutable
/// <see cref="CompiledPolicy{TContext}"/>, so a reload swaps the whole policy at once: no caller sees half of one.
/// A reload that does not compile changes nothing.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
public sealed class ReloadablePolicy<TContext> : IEscalationPolicy<TContext>, IPolicyState, IDisposable
{
    private readonly Lock _reload = new();
    private readonly ConcurrentDictionary<(string Id, string Version), string> _hashes = new();
    private readonly Func<PolicyRouter<TContext>>? _routers;
    private volatile Active _active;

    /// <summary>Starts with a compiled policy.</summary>
    /// <param name="definition">The policy as written (its hash is recorded with every decision).</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="killSwitch">The kill switch every version obeys; a new one when omitted.</param>
    /// <exception cref="PolicyValidationException">The policy does not compile.</exception>
    public ReloadablePolicy(PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch = null)
        : this(definition, schema, killSwitch, samplingKey: null)
    {
    }

    /// <summary>Starts with a compiled policy whose audit sample, in this version and every reload, is keyed with <paramref name="samplingKey"/>.</summary>
    /// <param name="definition">The policy as written (its hash is recorded with every decision).</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="killSwitch">The kill switch every version obeys; a new one when omitted.</param>
    /// <param name="samplingKey">The key of the audit sample; <see langword="null"/> for the unkeyed, evadable hash (see <see cref="Policy.SamplingKey"/>).</param>
    /// <exception cref="PolicyValidationException">The policy does not compile.</exception>
    public ReloadablePolicy(PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch, SamplingKey? samplingKey)
        : this(definition, schema, killSwitch, samplingKey, routers: null)
    {
    }

    /// <summary>
    /// Starts with a compiled policy, and compiles it and every reload with a new router from <paramref name="routers"/>:
    /// a router written for the policy (<see cref="CompiledPolicy{TContext}.WriteRouterSource"/>) routes each version it
    /// was written for, and the interpreter every other (<see cref="CompiledPolicy{TContext}.IsPrecompiled"/> on
    /// <see cref="Current"/> tells which).
    /// </summary>
    /// <param name="definition">The policy as written (its hash is recorded with every decision).</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="killSwitch">The kill switch every version obeys; a new one when omitted.</param>
    /// <param name="samplingKey">The key of the audit sample; <see langword="null"/> for the unkeyed, evadable hash (see <see cref="Policy.SamplingKey"/>).</param>
    /// <param name="routers">Creates a new written router for each compile; <see langword="null"/> for the interpreter only.</param>
    /// <exception cref="PolicyValidationException">The policy does not compile.</exception>
    public ReloadablePolicy(
        PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch, SamplingKey? samplingKey, Func<PolicyRouter<TContext>>? routers)
    {
        KillSwitch = killSwitch ?? new KillSwitch();
        SamplingKey = samplingKey;
        _routers = routers;
        var compiled = Compile(definition, schema);
        _active = new Active(compiled, compiled.PolicyHash);
        _hashes[(compiled.PolicyId, compiled.PolicyVersion)] = _active.Hash;
    }

    /// <summary>Raised after a new policy became active.</summary>
    public event EventHandler<PolicyActivation>? Activated;

    /// <summary>The active compiled policy.</summary>
    public CompiledPolicy<TContext> Current => _active.Policy;

    /// <summary>The SHA-256 digest (hex) of the active policy's definition, in its canonical JSON form.</summary>
    public string PolicyHash => _active.Hash;

    /// <summary>The kill switch every version obeys.</summary>
    public KillSwitch KillSwitch { get; }

    /// <summary>The key of the audit sample of every version, or <see langword="null"/> when the sample is unkeyed.</summary>
    public SamplingKey? SamplingKey { get; }

    /// <inheritdoc />
    public string PolicyId => _active.Policy.PolicyId;

    /// <inheritdoc />
    public string PolicyVersion => _active.Policy.PolicyVersion;

    /// <summary>
    /// The last reload the DI registration ran (on a configuration or policy-file change), or <see langword="null"/>
    /// when none has run; a rejected one says why the policy before it stays active.
    /// </summary>
    public PolicyReload? LastReload { get; internal set; }

    internal IDisposable? Subscription { get; set; }

    /// <inheritdoc />
    public Decision Route(in TContext context) => _active.Policy.Route(in context);

    /// <inheritdoc />
    public DecisionTrace Explain(in TContext context) => _active.Policy.Explain(in context);

    /// <summary>
    /// Compiles a new definition and, when it compiles, makes it the active policy. A definition with the id and version
    /// of one this holder activated before but other content is refused: changed content needs a new version.
    /// </summary>
    /// <param name="definition">The new policy.</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="errors">Every error, when it does not compile; empty otherwise.</param>
    /// <returns>Whether the new policy is active.</returns>
    public bool TryReload(PolicyDefinition definition, SignalSchema<TContext> schema, out IReadOnlyList<PolicyError> errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(schema);
        Active active;
        try
        {
            var compiled = Compile(definition, schema);
            active = new Active(compiled, compiled.PolicyHash);
        }
        catch (PolicyValidationException ex)
        {
            errors = ex.Errors;
            return false;
        }

        var id = active.Policy.PolicyId;
        var version = active.Policy.PolicyVersion;
        lock (_reload)
        {
            // A decision names its policy by id and version; two contents under one version would make that name ambiguous
            // and record the wrong hash for earlier decisions, so changed content needs a new version.
            if (_hashes.TryGetValue((id, version), out var known) && !string.Equals(known, active.Hash, StringComparison.Ordinal))
            {
                errors = [new PolicyError(PolicyErrorCode.InvalidValue, JsonPath.Property(JsonPath.Root, "version"),
                    $"policy '{id}' version '{version}' was already activated with other content (hash {known}, this one {active.Hash}); give the changed policy a new version",
                    "\"" + version + "\"")];
                return false;
            }

            _hashes[(id, version)] = active.Hash;
            _active = active;
        }

        errors = [];
        Activated?.Invoke(this, new PolicyActivation(id, version, active.Hash));
        return true;
    }

    private CompiledPolicy<TContext> Compile(PolicyDefinition definition, SignalSchema<TContext> schema) =>
        _routers is null
            ? PolicyCompiler.Compile(definition, schema, KillSwitch, SamplingKey)
            : PolicyCompiler.Compile(definition, schema, _routers() ?? throw new InvalidOperationException("The router factory returned null."), KillSwitch, SamplingKey);

    /// <summary>Stops listening for configuration changes (when the DI registration made it listen).</summary>
    public void Dispose() => Subscription?.Dispose();

    /// <summary>The request id of a context, read by the active policy's schema; <see langword="null"/> when it has none or the read fails.</summary>
    internal string? RequestIdOf(in TContext context) => _active.Policy.RequestIdOf(in context);

    /// <summary>The hash of the definition that a decision's policy id and version came from, when this holder activated it.</summary>
    internal string? HashFor(string? policyId, string? version) =>
        policyId is not null && version is not null && _hashes.TryGetValue((policyId, version), out var hash) ? hash : null;

    internal static string Hash(PolicyDefinition definition)
    {
        try
        {
            return PolicyJson.Digest(definition);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // The compiler refuses what cannot be written (non-finite numbers); anything else that cannot be written still
            // must not escape a reload as anything but a refusal.
            throw new PolicyValidationException(
                [new PolicyError(PolicyErrorCode.InvalidValue, JsonPath.Root, "the policy cannot be written back as JSON to hash it: " + ex.Message)], ex);
        }
    }

    private sealed class Active(CompiledPolicy<TContext> policy, string hash)
    {
        public CompiledPolicy<TContext> Policy { get; } = policy;

        public string Hash { get; } = hash;
    }
}

/// <summary>A new policy version became active.</summary>
/// <param name="PolicyId">The policy's id.</param>
/// <param name="PolicyVersion">The policy's version.</param>
/// <param name="PolicyHash">The SHA-256 digest (hex) of its definition.</param>
public sealed record PolicyActivation(string PolicyId, string PolicyVersion, string PolicyHash);
