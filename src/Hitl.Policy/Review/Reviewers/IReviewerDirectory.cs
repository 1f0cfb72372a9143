namespace Hitl.Policy.Review;

/// <summary>
/// Who holds which role and reviewer tier. The gate asks it on every human act, so that a reviewer's tier and role
/// come from the host's directory, never from what the caller claims.
/// </summary>
public interface IReviewerDirectory
{
    /// <summary>Finds a reviewer.</summary>
    /// <param name="reviewerId">The reviewer's id.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    /// <returns>The reviewer, or <see langword="null"/> when unknown.</returns>
    ValueTask<Reviewer?> FindAsync(string reviewerId, CancellationToken cancellationToken = default);
}
