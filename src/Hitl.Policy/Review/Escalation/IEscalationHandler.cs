namespace Hitl.Policy.Review;

/// <summary>
/// A custom step when a case escalates: page the on-call director, open an incident, assign a named reviewer.
/// Handlers are registered per tier and/or action type (<see cref="EscalationHandlerRegistration"/>) and run in
/// registration order until one answers <see cref="EscalationHandling.Stop"/>.
/// </summary>
/// <remarks>A handler that throws is logged and skipped; the case stays escalated and pending, never executed.</remarks>
public interface IEscalationHandler
{
    /// <summary>Handles one escalation.</summary>
    /// <param name="escalation">The escalated case.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>Whether later handlers in the chain still run.</returns>
    ValueTask<EscalationHandling> HandleAsync(Escalation escalation, CancellationToken cancellationToken = default);
}
