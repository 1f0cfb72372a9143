namespace Hitl.Policy;

/// <summary>
/// Decides, inline and without allocating, whether a model's output may act on its own or must stop for a person.
/// </summary>
/// <typeparam name="TContext">The host's own type that carries the signals of one model output.</typeparam>
/// <remarks>Implementations are immutable and safe to call from many threads at once.</remarks>
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
    /// <returns>The trace; its <see cref="DecisionTrace.Decision"/> equals what <see cref="Route"/> returns.</returns>
    DecisionTrace Explain(in TContext context);
}
