namespace Hitl.Policy.Review;

/// <summary>
/// Where review tickets go: the host's queue, chat channel or inbox. The gate hands a ticket over when a case opens,
/// escalates, times out to a higher tier, or is contested.
/// </summary>
/// <remarks>
/// A sink that throws leaves the case pending (never executed); the caller of the gate gets a
/// <see cref="ReviewException"/> with <see cref="ReviewErrorCode.ReviewSinkFailed"/>.
/// </remarks>
public interface IReviewSink
{
    /// <summary>Delivers a ticket.</summary>
    /// <param name="ticket">The ticket.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the ticket is delivered.</returns>
    ValueTask SubmitAsync(ReviewTicket ticket, CancellationToken cancellationToken = default);
}
