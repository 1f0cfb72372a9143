using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// A case store that leases cases to one worker at a time, so that instances sharing the store take different work
/// instead of racing for the same cases: the sweepers of several instances each apply a different share of the passed
/// deadlines, and two reviewers asking for their next case get different ones. The gate uses it when its store has it
/// (<see cref="ReviewGate{TContext}.SweepAsync"/>, <see cref="ReviewGate{TContext}.ClaimNextAsync"/>).
/// </summary>
/// <remarks>
/// A lease coordinates who picks a case; it decides nothing. An act on a case is still decided by the case's version
/// (<see cref="ICaseStore.CommitAsync"/>), whoever holds the lease: a lease that ran out while its holder was still
/// working costs at most a refused act, never a case decided twice. Claiming does not change a case's version and is not
/// an audited act; any commit of the case ends its lease (a case that needs a second approval is free for the next
/// reviewer as soon as the first approved).
/// </remarks>
public interface ICaseClaims
{
    /// <summary>
    /// Leases up to <see cref="CaseQuery.Limit"/> cases that match the claim's query and that no other claimant holds a
    /// lease on at <see cref="CaseClaim.Now"/>, in the query's order, to the claimant until <c>Now + Lease</c>. Cases the
    /// claimant already holds are included, and their lease renewed. Cases another claimant's claim is taking at the same
    /// moment are skipped, not waited for.
    /// </summary>
    /// <param name="claim">What to claim, for whom, and for how long.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The cases claimed, in the query's order (possibly none).</returns>
    /// <exception cref="ArgumentException">The claim is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The store cannot be reached.</exception>
    ValueTask<IReadOnlyList<CaseRecord>> ClaimAsync(CaseClaim claim, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ICaseClaims.ClaimAsync"/> leases.</summary>
public sealed record CaseClaim
{
    /// <summary>The longest lease a store grants.</summary>
    public static readonly TimeSpan MaxLease = TimeSpan.FromDays(1);

    /// <summary>Which cases, in which order, how many; its <see cref="CaseQuery.After"/> must be empty (a claim has no pages).</summary>
    public required CaseQuery Query { get; init; }

    /// <summary>Who takes the lease: a reviewer's id, or a sweeper's name (unique per gate instance).</summary>
    public required string Claimant { get; init; }

    /// <summary>The time the lease starts (the gate's clock, so that leases and deadlines read the same clock).</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>How long the lease lasts: more than zero, at most <see cref="MaxLease"/>.</summary>
    public required TimeSpan Lease { get; init; }

    /// <summary>Checks the claim as every store must; throws naming the field and the value.</summary>
    /// <param name="claim">The claim.</param>
    /// <exception cref="ArgumentException">The claim is not valid.</exception>
    public static void Validate(CaseClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(claim.Query);
        CaseCursor.Validate(claim.Query);
        if (claim.Query.After is not null)
        {
            throw new ArgumentException("CaseClaim.Query.After: a claim has no pages; leave it empty.", nameof(claim));
        }

        if (string.IsNullOrWhiteSpace(claim.Claimant) || claim.Claimant.Length > 200)
        {
            throw new ArgumentException($"CaseClaim.Claimant: must be 1 to 200 characters and not blank, found '{(claim.Claimant is null ? "(null)" : claim.Claimant.Length > 200 ? claim.Claimant[..200] + "…" : claim.Claimant)}'.", nameof(claim));
        }

        if (claim.Lease <= TimeSpan.Zero || claim.Lease > MaxLease)
        {
            throw new ArgumentException($"CaseClaim.Lease: must be more than zero and at most {MaxLease}, found {claim.Lease}.", nameof(claim));
        }
    }
}

/// <summary>
/// A case store that tells its gates about changes committed elsewhere (another instance on the same database), so that
/// a wait on instance A wakes when a reviewer decides on instance B without waiting for the next poll. Notifications are
/// a shortcut, never the only way: they may be late or lost (a dropped connection), which the feed reports as
/// <see cref="StoreChangeKind.Missed"/>, and gates keep polling (<see cref="ReviewGateOptions.StorePollInterval"/>).
/// </summary>
public interface IStoreChangeFeed
{
    /// <summary>Calls <paramref name="onChange"/> for every change the store hears of, on a thread of the store's; the callback must be quick and must not throw.</summary>
    /// <param name="onChange">What to do on a change.</param>
    /// <returns>Disposing it ends the subscription.</returns>
    IDisposable Subscribe(Action<StoreChange> onChange);
}

/// <summary>One change a <see cref="IStoreChangeFeed"/> heard of.</summary>
/// <param name="Kind">What changed.</param>
/// <param name="CaseId">The case, for <see cref="StoreChangeKind.Case"/>.</param>
public readonly record struct StoreChange(StoreChangeKind Kind, string? CaseId);

/// <summary>What a <see cref="StoreChange"/> is about.</summary>
public enum StoreChangeKind
{
    /// <summary>A case was committed.</summary>
    Case,

    /// <summary>A kill switch was engaged or released.</summary>
    KillSwitch,

    /// <summary>Changes may have been missed (the feed lost its connection and is back): read again whatever you wait on.</summary>
    Missed,
}

/// <summary>
/// An audit store that also keeps the kill switch's state for every instance that shares it: a change and its audit
/// record commit in one transaction, and every gate on the store reads the state and applies it to its own
/// <see cref="KillSwitch"/> (at once when its <see cref="IStoreChangeFeed"/> tells it, otherwise at its next poll).
/// <see cref="AuditedKillSwitch"/> records through it when its audit store has it, so a change is recorded once, by the
/// instance where the operator made it.
/// </summary>
public interface IKillSwitchStore
{
    /// <summary>Records a change: the switch's shared state and the audit entry, all or nothing.</summary>
    /// <param name="change">The change.</param>
    /// <param name="entry">Its audit entry.</param>
    /// <param name="cancellationToken">Cancels the wait (not a write that already began).</param>
    /// <returns>The audit record.</returns>
    /// <exception cref="AuditStoreException">The change could not be recorded; the shared state is unchanged.</exception>
    ValueTask<AuditRecord> RecordKillSwitchAsync(KillSwitchChange change, AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads the shared state: the last change of every scope ever changed (global, or one action type).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The last change per scope.</returns>
    /// <exception cref="CaseStoreException">The store cannot be read.</exception>
    ValueTask<IReadOnlyList<KillSwitchChange>> ReadKillSwitchAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A case store that counts cases where they are kept, without reading them out: an inbox's counts per state over
/// ten thousand open cases cost one query, not ten thousand documents. Stores that have it implement it beside
/// <see cref="ICaseStore"/>; callers test for it and page through <see cref="ICaseStore.QueryAsync"/> otherwise.
/// </summary>
public interface ICaseCounts
{
    /// <summary>
    /// Counts the cases the query's filters match, by state. The query's order, limit and cursor do not apply; it is
    /// checked as <see cref="ICaseStore.QueryAsync"/> checks it.
    /// </summary>
    /// <param name="query">The filters.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>How many cases match in each state: every <see cref="CaseState"/> is a key, with 0 when none match.</returns>
    /// <exception cref="ArgumentException">The query is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The store cannot be read.</exception>
    ValueTask<IReadOnlyDictionary<CaseState, long>> CountAsync(CaseQuery query, CancellationToken cancellationToken = default);
}

