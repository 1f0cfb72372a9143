using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// Where the review gate keeps its cases: the source of truth for every case, open or closed, and the audit trail that
/// goes with them. A change to a case and the audit records that explain it commit together
/// (<see cref="CommitAsync"/>): no act without its record, no record without its act. Every case carries a
/// <see cref="CaseRecord.Version"/>; a commit names the version it read, and a commit on a case that changed since is
/// refused with <see cref="CaseConflictException"/>, never applied over the other change.
/// </summary>
/// <remarks>
/// Implementations: <see cref="InMemoryCaseStore"/> (tests, samples; nothing survives the process) and the SQLite store
/// of the <c>Hitl.Policy.Sqlite</c> package (one file holds the cases and the trail). Many gates, in one process or
/// several, may share one store: the versions keep them from overwriting each other.
/// </remarks>
public interface ICaseStore
{
    /// <summary>
    /// The audit trail the store appends the records of its commits to. Records that belong to no case (a kill switch
    /// toggled, a policy activated) are appended to it directly.
    /// </summary>
    IAuditStore Audit { get; }

    /// <summary>Reads one case.</summary>
    /// <param name="caseId">The case id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The case as last committed, or <see langword="null"/> when there is no such case (or it was purged).</returns>
    /// <exception cref="CaseStoreException">The store cannot be read (the message names the store and the cause).</exception>
    ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates, updates or purges a case and appends its audit records, all or nothing. The commit's case carries the
    /// version it was read at (0 to create); the stored case gets the next version.
    /// </summary>
    /// <param name="commit">The case as it is to be, the records that explain the change, and whether it is a purge.</param>
    /// <param name="cancellationToken">Cancels the wait (not a write that already began).</param>
    /// <returns>The case as stored, with its new version, and the audit records as appended.</returns>
    /// <exception cref="CaseConflictException">The case changed since it was read, or a case to create exists already; nothing was written.</exception>
    /// <exception cref="CaseStoreException">The store could not write; nothing was written.</exception>
    /// <exception cref="ArgumentException">An audit entry is not valid (the message names the field and the value); nothing was written.</exception>
    ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists cases: open cases by state, tier, action type, age and deadline (an inbox, a reviewer's queue, the sweeper's
    /// due cases), or any case by subject and time range (an examiner's export); a page at a time.
    /// </summary>
    /// <param name="query">What to list, in which order, from where.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One page, and where the next one starts.</returns>
    /// <exception cref="ArgumentException">The query is not valid (a limit out of range, a cursor this store did not give).</exception>
    /// <exception cref="CaseStoreException">The store cannot be read.</exception>
    ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default);
}

/// <summary>One change to a case for <see cref="ICaseStore.CommitAsync"/>.</summary>
public sealed record CaseCommit
{
    /// <summary>
    /// The case as it is to be. Its <see cref="CaseRecord.Version"/> is the version the change was made from: 0 to create
    /// the case, otherwise the version read.
    /// </summary>
    public required CaseRecord Case { get; init; }

    /// <summary>The audit entries that record the change, appended in order in the same transaction.</summary>
    public required IReadOnlyList<AuditEntry> Entries { get; init; }

    /// <summary>Whether the case is deleted (a purge after its retention); its entries still go on record.</summary>
    public bool Purge { get; init; }
}

/// <summary>What a commit stored.</summary>
/// <param name="Case">The case as stored, with its new version.</param>
/// <param name="Records">The audit records appended, in order.</param>
public sealed record CaseCommitResult(CaseRecord Case, IReadOnlyList<AuditRecord> Records);

/// <summary>What <see cref="ICaseStore.QueryAsync"/> lists. Every filter that is set must hold.</summary>
public sealed record CaseQuery
{
    /// <summary>The largest page a store returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Only cases in one of these states; every state when <see langword="null"/>.</summary>
    public IReadOnlyList<CaseState>? States { get; init; }

    /// <summary>Only cases of this action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>Only cases that need one of these tiers now (by name): a reviewer's queue lists the tiers they may decide.</summary>
    public IReadOnlyList<string>? RequiredTiers { get; init; }

    /// <summary>
    /// Leave out the cases this person may not decide: those they requested or are the subject of, those they already
    /// approved in the current round (a case that needs more approvals waits for someone else), and those they decided
    /// before a contest reopened them.
    /// </summary>
    public string? NotInvolving { get; init; }

    /// <summary>Only cases about this person (an examiner's export for one subject).</summary>
    public string? Subject { get; init; }

    /// <summary>Only cases opened at or after this time.</summary>
    public DateTimeOffset? OpenedFrom { get; init; }

    /// <summary>Only cases opened before this time (the age filter: older than).</summary>
    public DateTimeOffset? OpenedBefore { get; init; }

    /// <summary>Only cases with a deadline at or before this time (the sweeper's due cases).</summary>
    public DateTimeOffset? DeadlineBy { get; init; }

    /// <summary>Only closed cases whose retention ended at or before this time and that have no legal hold (a purge).</summary>
    public DateTimeOffset? RetentionEndedBy { get; init; }

    /// <summary>The order: by opening time, or by deadline (cases without one last). Ties go by case id.</summary>
    public CaseOrder OrderBy { get; init; } = CaseOrder.Opened;

    /// <summary>The page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>Where the page starts: <see cref="CasePage.Next"/> of the page before; <see langword="null"/> for the first page.</summary>
    public string? After { get; init; }
}

/// <summary>The order of a <see cref="CaseQuery"/>.</summary>
public enum CaseOrder
{
    /// <summary>Oldest opened first.</summary>
    Opened,

    /// <summary>Nearest deadline first; cases without a deadline after all others.</summary>
    Deadline,
}

/// <summary>One page of cases.</summary>
/// <param name="Cases">The cases, in the query's order.</param>
/// <param name="Next">The cursor of the next page (<see cref="CaseQuery.After"/>), or <see langword="null"/> on the last page.</param>
public sealed record CasePage(IReadOnlyList<CaseRecord> Cases, string? Next);
