using Hitl.Policy.Review;
using Hitl.Policy.Definition;

namespace Hitl.Policy;

/// <summary>
/// Validates a <see cref="PolicyDefinition"/> against the host's <see cref="SignalSchema{TContext}"/> and compiles it
/// into an immutable <see cref="CompiledPolicy{TContext}"/>. All parsing, checking and allocation happen here, once.
/// </summary>
public static class PolicyCompiler
{
    /// <summary>Compiles a policy, or throws with every error found.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="definition">The policy as written.</param>
    /// <param name="schema">How to read signals from the host's context.</param>
    /// <param name="killSwitch">The kill switch to obey; pass the same one across reloads. A new one when omitted.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="PolicyValidationException">The policy is invalid; <see cref="PolicyValidationException.Errors"/> lists why.</exception>
    public static CompiledPolicy<TContext> Compile<TContext>(PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch = null) =>
        Compile(definition, schema, killSwitch, samplingKey: null);

    /// <summary>Compiles a policy whose audit sample is keyed with a deployment secret, or throws with every error found.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="definition">The policy as written.</param>
    /// <param name="schema">How to read signals from the host's context.</param>
    /// <param name="killSwitch">The kill switch to obey; pass the same one across reloads. A new one when omitted.</param>
    /// <param name="samplingKey">
    /// The key of the audit sample. With <see langword="null"/>, the sample follows from a public hash of the request id,
    /// which a submitter who chooses request ids can evade; see <see cref="SamplingKey"/>.
    /// </param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="PolicyValidationException">The policy is invalid; <see cref="PolicyValidationException.Errors"/> lists why.</exception>
    public static CompiledPolicy<TContext> Compile<TContext>(
        PolicyDefinition definition, SignalSchema<TContext> schema, KillSwitch? killSwitch, SamplingKey? samplingKey)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(schema);
        var compilation = new PolicyCompilation<TContext>(definition, schema) { SamplingKey = samplingKey };
        var policy = compilation.Compile(killSwitch ?? new KillSwitch());
        if (compilation.Errors.Count > 0)
        {
            throw new PolicyValidationException(Locate(definition, compilation.Errors));
        }

        policy!.PolicyHash = ReloadablePolicy<TContext>.Hash(definition);
        return policy;
    }

    /// <summary>
    /// Compiles a policy and routes it through a router written for it by <see cref="CompiledPolicy{TContext}.WriteRouterSource"/>,
    /// or throws with every error found. The router is used only when it was written for exactly this definition and
    /// schema; otherwise the policy routes through the interpreter, with the same decisions
    /// (<see cref="CompiledPolicy{TContext}.IsPrecompiled"/> tells which).
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="definition">The policy as written.</param>
    /// <param name="schema">How to read signals from the host's context.</param>
    /// <param name="router">A new instance of the written router; one per compiled policy.</param>
    /// <param name="killSwitch">The kill switch to obey; pass the same one across reloads. A new one when omitted.</param>
    /// <param name="samplingKey">The key of the audit sample; see <see cref="Compile{TContext}(PolicyDefinition, SignalSchema{TContext}, KillSwitch?, SamplingKey?)"/>.</param>
    /// <returns>The compiled policy.</returns>
    /// <exception cref="PolicyValidationException">The policy is invalid; <see cref="PolicyValidationException.Errors"/> lists why.</exception>
    /// <exception cref="InvalidOperationException">The router instance already routes for another compiled policy.</exception>
    public static CompiledPolicy<TContext> Compile<TContext>(
        PolicyDefinition definition, SignalSchema<TContext> schema, PolicyRouter<TContext> router, KillSwitch? killSwitch = null,
        SamplingKey? samplingKey = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        var policy = Compile(definition, schema, killSwitch, samplingKey);
        policy.Attach(router);
        return policy;
    }

    /// <summary>Checks a policy against a schema without throwing.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="definition">The policy as written.</param>
    /// <param name="schema">How to read signals from the host's context.</param>
    /// <returns>Every error found; empty when the policy compiles.</returns>
    public static IReadOnlyList<PolicyError> Validate<TContext>(PolicyDefinition definition, SignalSchema<TContext> schema)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(schema);
        var compilation = new PolicyCompilation<TContext>(definition, schema);
        compilation.Compile(new KillSwitch());
        return Locate(definition, compilation.Errors);
    }

    /// <summary>
    /// Checks a policy on its own, with the host fields it declares under <c>fields</c> (as the CLI does).
    /// </summary>
    /// <param name="definition">The policy as written.</param>
    /// <returns>Every error found; empty when the policy compiles.</returns>
    public static IReadOnlyList<PolicyError> Validate(PolicyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Validate(definition, Signals.SchemaFor(definition));
    }

    private static List<PolicyError> Locate(PolicyDefinition definition, List<PolicyError> errors) =>
        definition.Source is { } source ? errors.Select(source.Locate).ToList() : errors;
}
