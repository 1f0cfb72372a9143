using System.Collections.Concurrent;

namespace Hitl.Policy.Review;

/// <summary>A notification sink that keeps the notices in memory, in the order they arrived. For tests and samples.</summary>
public sealed class InMemoryNotificationSink : INotificationSink
{
    private readonly ConcurrentQueue<Notice> _notices = new();

    /// <summary>Every notice delivered so far, oldest first.</summary>
    public IReadOnlyList<Notice> Notices => [.. _notices];

    /// <inheritdoc />
    public ValueTask NotifyAsync(Notice notice, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notice);
        cancellationToken.ThrowIfCancellationRequested();
        _notices.Enqueue(notice);
        return ValueTask.CompletedTask;
    }
}
