using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

/// <summary>
/// What a gate does when its store is shared by several instances: it listens to the store's change feed, follows the
/// shared kill switch, and claims work instead of racing other instances for it.
/// </summary>
public sealed partial class ReviewGate<TContext>
{
    /// <summary>How long a sweep holds the cases it claimed: long enough to act on a page, short enough that a crashed instance's share is soon taken by another.</summary>
    private static readonly TimeSpan SweepLease = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource _stopping = new();
    private readonly string _sweeper = "sweeper:" + Guid.NewGuid().ToString("n");
    private IDisposable? _feed;
    private IKillSwitchStore? _sharedSwitch;
    private Task _switchFollower = Task.CompletedTask;
    private TaskCompletionSource _switchNudge = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _switchKnown;

    /// <summary>
    /// Takes the next case this reviewer may decide (pending, a tier they hold or lower, not their own as requester or
    /// subject), nearest deadline first. When the store leases work (<see cref="ICaseClaims"/>), the case is leased to
    /// the reviewer for <see cref="ReviewGateOptions.ReviewClaimLease"/>: another reviewer asking for their next case, on
    /// this instance or any other, gets a different one until the lease ends; asking again returns the same case and
    /// renews the lease. The lease decides nothing: any eligible reviewer may still act on the case, and the case's
    /// version decides which act counts.
    /// </summary>
    /// <param name="reviewerId">The reviewer, as the reviewer directory knows them.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The case, or <see langword="null"/> when none is waiting for this reviewer.</returns>
    /// <exception cref="ReviewException">The reviewer is unknown (<see cref="ReviewErrorCode.UnknownReviewer"/>), or the store cannot be reached (<see cref="ReviewErrorCode.StoreUnavailable"/>).</exception>
    public ValueTask<ReviewCaseView?> ClaimNextAsync(string reviewerId, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.claim_next", null, reviewerId, () => ClaimNextCoreAsync(reviewerId, cancellationToken));

    private async ValueTask<ReviewCaseView?> ClaimNextCoreAsync(string reviewerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewerId);
        var reviewer = await _reviewers.FindAsync(reviewerId, cancellationToken).ConfigureAwait(false)
            ?? throw Refuse(ReviewErrorCode.UnknownReviewer, null, reviewerId, $"'{reviewerId}' is not in the reviewer directory.");
        var query = new CaseQuery
        {
            States = [CaseState.Pending],
            RequiredTiers = TiersUpTo(reviewer.Tier),
            NotInvolving = reviewer.Id,
            OrderBy = CaseOrder.Deadline,
            Limit = 1,
        };
        IReadOnlyList<CaseRecord> next;
        using var scope = _metrics.Store(_store is ICaseClaims ? "claim" : "query", null);
        try
        {
            next = _store is ICaseClaims claims
                ? await claims.ClaimAsync(new CaseClaim { Query = query, Claimant = reviewer.Id, Now = _time.GetUtcNow(), Lease = _options.ReviewClaimLease }, cancellationToken).ConfigureAwait(false)
                : (await _store.QueryAsync(query, cancellationToken).ConfigureAwait(false)).Cases;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            scope.Fail(ex);
            _metrics.Refusal(ReviewErrorCode.StoreUnavailable);
            throw new ReviewException(ReviewErrorCode.StoreUnavailable, null, reviewerId, $"The case store could not give '{reviewerId}' a case: {ex.Message}", ex);
        }

        return next.Count == 0 ? null : ReviewCase.From(next[0]).View();
    }

    /// <summary>Subscribes to the store's change feed and starts following its shared kill switch, when it has them.</summary>
    private void StartSharing()
    {
        if (_store is IStoreChangeFeed feed)
        {
            _feed = feed.Subscribe(OnStoreChange);
        }

        if (_store.Audit is IKillSwitchStore shared)
        {
            _sharedSwitch = shared;
            _switchFollower = FollowKillSwitchAsync();
        }
    }

    private void StopSharing()
    {
        _feed?.Dispose();
        _stopping.Cancel();
    }

    /// <summary>A change another instance committed: wake the waits on the case (all of them, when changes were missed) and re-read the switch.</summary>
    private void OnStoreChange(StoreChange change)
    {
        if (change.Kind == StoreChangeKind.Case && change.CaseId is { } caseId)
        {
            if (_changed.TryRemove(caseId, out var waiters))
            {
                waiters.TrySetResult();
            }

            return;
        }

        if (change.Kind == StoreChangeKind.Missed)
        {
            foreach (var key in _changed.Keys)
            {
                if (_changed.TryRemove(key, out var waiters))
                {
                    waiters.TrySetResult();
                }
            }
        }

        Interlocked.Exchange(ref _switchNudge, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Keeps this gate's kill switch at the shared state: read at once, again whenever the feed reports a switch change
    /// (or missed changes), and at least every <see cref="ReviewGateOptions.StorePollInterval"/> when it reports nothing.
    /// </summary>
    private async Task FollowKillSwitchAsync()
    {
        await Task.Yield();
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            var nudged = Volatile.Read(ref _switchNudge).Task;
            try
            {
                await SyncKillSwitchAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The follower outlives a store that is down: it logs and reads again at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                HitlLog.KillSwitchSyncFailed(_logger, ex);
            }

            await Task.WhenAny(nudged, Task.Delay(_options.StorePollInterval, _time, stop)).ConfigureAwait(false);
        }
    }

    private async ValueTask SyncKillSwitchAsync(CancellationToken cancellationToken)
    {
        var shared = await _sharedSwitch!.ReadKillSwitchAsync(cancellationToken).ConfigureAwait(false);
        if (KillSwitch.Apply(shared) is > 0 and var changed)
        {
            HitlLog.KillSwitchFollowed(_logger, changed);
        }

        _switchKnown = true;
    }

    /// <summary>
    /// Before the first decision of a gate on a shared switch, the switch's state must be known: an instance that
    /// cannot read it executes nothing (fail closed) and says why.
    /// </summary>
    private async ValueTask EnsureKillSwitchKnownAsync(CancellationToken cancellationToken)
    {
        if (_sharedSwitch is null || _switchKnown)
        {
            return;
        }

        try
        {
            await SyncKillSwitchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.Refusal(ReviewErrorCode.StoreUnavailable);
            throw new ReviewException(ReviewErrorCode.StoreUnavailable, null, null,
                $"The shared kill switch's state could not be read from the case store, so nothing was decided: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The tiers a reviewer of the given tier may decide: the current policy's tiers up to and including it (lowest
    /// first), or the tier alone when the policy's tiers are not known or do not include it.
    /// </summary>
    /// <param name="tier">The reviewer's tier.</param>
    /// <returns>The tiers, for <see cref="CaseQuery.RequiredTiers"/>.</returns>
    public IReadOnlyList<string> TiersUpTo(string tier)
    {
        ArgumentNullException.ThrowIfNull(tier);
        var tiers = _known switch
        {
            CompiledPolicy<TContext> compiled => compiled.Tiers,
            ReloadablePolicy<TContext> reloadable => reloadable.Current.Tiers,
            _ => [],
        };
        var index = -1;
        for (var i = 0; i < tiers.Count; i++)
        {
            if (string.Equals(tiers[i], tier, StringComparison.Ordinal))
            {
                index = i;
            }
        }

        return index < 0 ? [tier] : [.. tiers.Take(index + 1)];
    }

    /// <summary>
    /// Every case a sweep query lists. On a store that leases work the cases are claimed a page at a time, so that the
    /// sweepers of several instances take different cases; a case this sweeper already saw in this sweep is not taken again.
    /// </summary>
    private async IAsyncEnumerable<CaseRecord> SweepListAsync(CaseQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_store is not ICaseClaims claims)
        {
            await foreach (var c in ListAsync(query, cancellationToken).ConfigureAwait(false))
            {
                yield return c;
            }

            yield break;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            IReadOnlyList<CaseRecord> page;
            using (var scope = _metrics.Store("claim", null))
            {
                try
                {
                    page = await claims.ClaimAsync(new CaseClaim { Query = query, Claimant = _sweeper, Now = _time.GetUtcNow(), Lease = SweepLease }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OperationCanceledException or ArgumentException))
                {
                    scope.Fail(ex);
                    HitlLog.SweepFailed(_logger, ex, "(claim)");
                    yield break;
                }
            }

            var fresh = 0;
            foreach (var c in page)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (seen.Add(c.Id))
                {
                    fresh++;
                    yield return c;
                }
            }

            if (page.Count < query.Limit || fresh == 0)
            {
                yield break;
            }
        }
    }
}
