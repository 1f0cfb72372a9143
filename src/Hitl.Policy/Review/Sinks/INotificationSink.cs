namespace Hitl.Policy.Review;

/// <summary>
/// Where notices go: a person on the loop is told about an action that ran with notice, a review that timed out,
/// an override or a reversal.
/// </summary>
/// <remarks>
/// A notice-only action whose notice cannot be delivered does not run on its own: the gate opens a review instead
/// (fail closed: a human on the loop who was never told is no human on the loop).
/// </remarks>
public interface INotificationSink
{
    /// <summary>Delivers a notice.</summary>
    /// <param name="notice">The notice.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the notice is delivered.</returns>
    ValueTask NotifyAsync(Notice notice, CancellationToken cancellationToken = default);
}
