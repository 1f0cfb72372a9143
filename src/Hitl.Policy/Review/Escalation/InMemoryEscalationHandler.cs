using System.Collections.Concurrent;

namespace Hitl.Policy.Review;

/// <summary>An escalation handler that keeps what it received and answers as configured. For tests and samples.</summary>
/// <param name="handling">What it answers.</param>
public sealed class InMemoryEscalationHandler(EscalationHandling handling = EscalationHandling.Continue) : IEscalationHandler
{
    private readonly ConcurrentQueue<Escalation> _received = new();

    /// <summary>The escalations received, oldest first.</summary>
    public IReadOnlyList<Escalation> Received => [.. _received];

    /// <inheritdoc />
    public ValueTask<EscalationHandling> HandleAsync(Escalation escalation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        _received.Enqueue(escalation);
        return ValueTask.FromResult(handling);
    }
}
