using System.Collections.Concurrent;

namespace Hitl.Policy.Review;

/// <summary>A review sink that keeps the tickets in memory, in the order they arrived. For tests and samples.</summary>
public sealed class InMemoryReviewSink : IReviewSink
{
    private readonly ConcurrentQueue<ReviewTicket> _tickets = new();

    /// <summary>Every ticket delivered so far, oldest first.</summary>
    public IReadOnlyList<ReviewTicket> Tickets => [.. _tickets];

    /// <summary>The tickets of one case, oldest first.</summary>
    /// <param name="caseId">The case id.</param>
    /// <returns>The tickets.</returns>
    public IReadOnlyList<ReviewTicket> TicketsFor(string caseId) => [.. _tickets.Where(t => string.Equals(t.CaseId, caseId, StringComparison.Ordinal))];

    /// <inheritdoc />
    public ValueTask SubmitAsync(ReviewTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        cancellationToken.ThrowIfCancellationRequested();
        _tickets.Enqueue(ticket);
        return ValueTask.CompletedTask;
    }
}
