namespace Hitl.Policy;

/// <summary>
/// The routing policy itself: a compiled, immutable policy that decides, inline and without allocating, whether one
/// model output may act on its own or must stop for a person, and at which level of the route ladder
/// (<see cref="RouteLevel"/>). It does not escalate anything by itself: the host, or a
/// <see cref="Review.ReviewGate{TContext}"/>, acts on the <see cref="Decision"/> it returns.
/// </summary>
/// <remarks>
/// Get one from <see cref="PolicyCompiler.Compile{TContext}(Definition.PolicyDefinition, SignalSchema{TContext}, KillSwitch?)"/>
/// (a <see cref="CompiledPolicy{TContext}"/>), from <see cref="Review.ReloadablePolicy{TContext}"/> (swapped atomically
/// on reload), or from dependency injection (<c>AddHitlPolicy</c>). The name comes from the product's design card:
/// the policy that decides escalation. Implementations are immutable and safe to call from many threads at once.
/// </remarks>
/// <typeparam name="TContext">The host's own type that carries the signals of one model output.</typeparam>
public interface IEscalationPolicy<TContext>
{
    /// <summary>The policy's id, from its definition.</summary>
    string PolicyId { get; }

    /// <summary>The policy's version, from its definition.</summary>
    string PolicyVersion { get; }

    /// <summary>Routes one model output. Pure: no clock, no randomness, no I/O; allocates nothing.</summary>
    /// <param name="context">The signals of the model output.</param>
    /// <returns>The decision: route, reviewer tier, approvals, deadline, flags and the rules that fired.</returns>
    Decision Route(in TContext context);

    /// <summary>
    /// Gives the full trace of a decision: every rule, its inputs and its result, and why the final route is what it is.
    /// Off the hot path: allocates.
    /// </summary>
    /// <param name="context">The signals of the model output.</param>
    /// <returns>The trace; its <see cref="DecisionTrace.Decision"/> equals what <see cref="RouteLevel"/> returns.</returns>
    DecisionTrace Explain(in TContext context);
}
