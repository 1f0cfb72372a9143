using System.Collections.Concurrent;

namespace Hitl.Policy.Review;

/// <summary>A reviewer directory held in memory. For tests and samples.</summary>
public sealed class InMemoryReviewerDirectory : IReviewerDirectory
{
    private readonly ConcurrentDictionary<string, Reviewer> _reviewers = new(StringComparer.Ordinal);

    /// <summary>Creates a directory with the given reviewers.</summary>
    /// <param name="reviewers">The reviewers.</param>
    public InMemoryReviewerDirectory(params IEnumerable<Reviewer> reviewers)
    {
        ArgumentNullException.ThrowIfNull(reviewers);
        foreach (var reviewer in reviewers)
        {
            Add(reviewer);
        }
    }

    /// <summary>Adds or replaces a reviewer.</summary>
    /// <param name="reviewer">The reviewer.</param>
    /// <returns>This directory.</returns>
    public InMemoryReviewerDirectory Add(Reviewer reviewer)
    {
        ArgumentNullException.ThrowIfNull(reviewer);
        _reviewers[reviewer.Id] = reviewer;
        return this;
    }

    /// <summary>Removes a reviewer.</summary>
    /// <param name="reviewerId">The reviewer's id.</param>
    /// <returns>Whether the reviewer was there.</returns>
    public bool Remove(string reviewerId) => _reviewers.TryRemove(reviewerId, out _);

    /// <inheritdoc />
    public ValueTask<Reviewer?> FindAsync(string reviewerId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_reviewers.GetValueOrDefault(reviewerId));
}
