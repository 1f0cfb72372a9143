using System.Collections.Concurrent;

namespace Hitl.Policy.Review;

/// <summary>A compensation hook that keeps the requests it received. For tests and samples.</summary>
public sealed class InMemoryCompensationHook : ICompensationHook
{
    private readonly ConcurrentQueue<CompensationRequest> _requests = new();

    /// <summary>The reversals requested, oldest first.</summary>
    public IReadOnlyList<CompensationRequest> Requests => [.. _requests];

    /// <inheritdoc />
    public ValueTask CompensateAsync(CompensationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        _requests.Enqueue(request);
        return ValueTask.CompletedTask;
    }
}
