using System.Collections.Concurrent;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Review;

/// <summary>
/// A policy that can be replaced while it is in use. Callers route through one volatile reference to an immutable
/// <see cref="CompiledPolicy{TContext}"/>, so a reload swaps the whole policy at once: no caller sees half of one.
/// A reload that does not compile changes nothing.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
public sealed class ReloadablePolicy<TContext> : IEscalationPolicy<TContext>, IDisposable
{
    private readonly Lock _reload = new();
    private readonly ConcurrentDictionary<(string Id, string Version), string> _hashes = new();
    private volatile Active _active;

    /// <summary>Starts with a compiled policy.</summary>
    /// <param name="definition">The policy as written (its hash is recorded with every decision).</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="killSwitch">The kill switch every version obeys; a new one when omitted.</param>
    /// <exception cref="PolicyValidationException">The policy does not compile.</exception>
    public ReloadablePolicy(PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch = null)
    {
        KillSwitch = killSwitch ?? new KillSwitch();
        var compiled = PolicyCompiler.Compile(definition, schema, KillSwitch);
        _active = new Active(compiled, Hash(definition));
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

    /// <inheritdoc />
    public string PolicyId => _active.Policy.PolicyId;

    /// <inheritdoc />
    public string PolicyVersion => _active.Policy.PolicyVersion;

    internal IDisposable? Subscription { get; set; }

    /// <inheritdoc />
    public Decision Route(in TContext context) => _active.Policy.Route(in context);

    /// <inheritdoc />
    public DecisionTrace Explain(in TContext context) => _active.Policy.Explain(in context);

    /// <summary>Compiles a new definition and, when it compiles, makes it the active policy.</summary>
    /// <param name="definition">The new policy.</param>
    /// <param name="schema">How to read signals.</param>
    /// <param name="errors">Every error, when it does not compile; empty otherwise.</param>
    /// <returns>Whether the new policy is active.</returns>
    public bool TryReload(PolicyDefinition definition, SignalSchema<TContext> schema, out IReadOnlyList<PolicyError> errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(schema);
        CompiledPolicy<TContext> compiled;
        try
        {
            compiled = PolicyCompiler.Compile(definition, schema, KillSwitch);
        }
        catch (PolicyValidationException ex)
        {
            errors = ex.Errors;
            return false;
        }

        var active = new Active(compiled, Hash(definition));
        lock (_reload)
        {
            _hashes[(compiled.PolicyId, compiled.PolicyVersion)] = active.Hash;
            _active = active;
        }

        errors = [];
        Activated?.Invoke(this, new PolicyActivation(compiled.PolicyId, compiled.PolicyVersion, active.Hash));
        return true;
    }

    /// <summary>Stops listening for configuration changes (when the DI registration made it listen).</summary>
    public void Dispose() => Subscription?.Dispose();

    /// <summary>The hash of the definition that a decision's policy id and version came from, when this holder activated it.</summary>
    internal string? HashFor(string? policyId, string? version) =>
        policyId is not null && version is not null && _hashes.TryGetValue((policyId, version), out var hash) ? hash : null;

    internal static string Hash(PolicyDefinition definition) => PayloadDigest.Of(PolicyJson.Serialize(definition));

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
