using Hitl.Policy.Review;

namespace Hitl.Policy.Quickstart;

/// <summary>The review sink of the simulation: every ticket the gate hands out lands on the reviewers' desk.</summary>
internal sealed class ReviewerDesk(Action<ReviewTicket> onTicket) : IReviewSink
{
    public ValueTask SubmitAsync(ReviewTicket ticket, CancellationToken cancellationToken = default)
    {
        onTicket(ticket);
        return ValueTask.CompletedTask;
    }
}
