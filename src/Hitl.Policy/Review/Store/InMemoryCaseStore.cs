using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// Cases held in memory, with their audit trail in any <see cref="IAuditStore"/> (an <see cref="InMemoryAuditStore"/>
/// unless one is given): for tests, samples, and hosts that keep only the trail durable. Nothing about a case survives
/// the process; use the SQLite store (<c>Hitl.Policy.Sqlite</c>) for cases that must. Thread-safe; versions are checked
/// as in every store, so several gates may share one instance.
/// </summary>
/// <remarks>
/// A commit appends its audit entries first and changes the case only when every append succeeded. With one entry (as
/// for nearly every act) that is all or nothing. A trail in another store cannot share a transaction with memory: if
/// the second entry of a commit fails after the first was appended, the trail holds the first and the case is unchanged.
/// </remarks>
#pragma warning disable CA1001 // The semaphore never allocates a wait handle (only WaitAsync is used), so there is nothing to dispose.
public sealed class InMemoryCaseStore : ICaseStore, ICaseClaims, ICaseCounts
#pragma warning restore CA1001
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Dictionary<string, CaseRecord> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Claimant, DateTimeOffset Until)> _claims = new(StringComparer.Ordinal);
    private readonly Lock _read = new();

    /// <summary>Creates an empty store whose trail is a new <see cref="InMemoryAuditStore"/>.</summary>
    public InMemoryCaseStore()
        : this(new InMemoryAuditStore())
    {
    }

    /// <summary>Creates an empty store that records to the given trail.</summary>
    /// <param name="audit">The audit trail.</param>
    public InMemoryCaseStore(IAuditStore audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        Audit = audit;
    }

    /// <inheritdoc />
    public IAuditStore Audit { get; }

    /// <summary>The number of cases held (open, and closed within their retention).</summary>
    public int Count
    {
        get
        {
            lock (_read)
            {
                return _cases.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_read)
        {
            return ValueTask.FromResult(_cases.GetValueOrDefault(caseId));
        }
    }

    /// <inheritdoc />
    public async ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Case);
        ArgumentNullException.ThrowIfNull(commit.Entries);
        var next = commit.Case;
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CaseRecord? current;
            lock (_read)
            {
                current = _cases.GetValueOrDefault(next.Id);
            }

            if ((current?.Version ?? 0) != next.Version)
            {
                throw new CaseConflictException(next.Id, next.Version, current?.Version);
            }

            var records = new AuditRecord[commit.Entries.Count];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = await Audit.AppendAsync(commit.Entries[i], i == 0 ? cancellationToken : CancellationToken.None).ConfigureAwait(false);
            }

            var stored = next with { Version = next.Version + 1 };
            lock (_read)
            {
                // A change of the case ends its lease: whoever looks at it next sees it as it now is.
                _claims.Remove(next.Id);
                if (commit.Purge)
                {
                    _cases.Remove(next.Id);
                }
                else
                {
                    _cases[next.Id] = stored;
                }
            }

            return new CaseCommitResult(stored, records);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CaseRecord>> ClaimAsync(CaseClaim claim, CancellationToken cancellationToken = default)
    {
        CaseClaim.Validate(claim);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_read)
        {
            var claimed = _cases.Values
                .Where(c => CaseCursor.Matches(claim.Query, c)
                    && (!_claims.TryGetValue(c.Id, out var held) || held.Until <= claim.Now || string.Equals(held.Claimant, claim.Claimant, StringComparison.Ordinal)))
                .OrderBy(c => CaseCursor.SortKey(claim.Query.OrderBy, c))
                .ThenBy(c => c.Id, StringComparer.Ordinal)
                .Take(claim.Query.Limit)
                .ToList();
            foreach (var c in claimed)
            {
                _claims[c.Id] = (claim.Claimant, claim.Now + claim.Lease);
            }

            return ValueTask.FromResult<IReadOnlyList<CaseRecord>>(claimed);
        }
    }

    /// <inheritdoc />
    public ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        cancellationToken.ThrowIfCancellationRequested();
        var (afterKey, afterId) = query.After is { } cursor ? CaseCursor.Parse(query.OrderBy, cursor) : (long.MinValue, "");
        List<CaseRecord> matches;
        lock (_read)
        {
            matches = [.. _cases.Values.Where(c => CaseCursor.Matches(query, c))];
        }

        var page = matches
            .Select(c => (Key: CaseCursor.SortKey(query.OrderBy, c), Case: c))
            .Where(x => query.After is null || x.Key > afterKey || (x.Key == afterKey && string.CompareOrdinal(x.Case.Id, afterId) > 0))
            .OrderBy(x => x.Key)
            .ThenBy(x => x.Case.Id, StringComparer.Ordinal)
            .Take(query.Limit + 1)
            .Select(x => x.Case)
            .ToList();
        return ValueTask.FromResult(CaseCursor.Page(query, page));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<CaseState, long>> CountAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        cancellationToken.ThrowIfCancellationRequested();
        var counts = CaseCursor.ZeroCounts();
        lock (_read)
        {
            foreach (var c in _cases.Values)
            {
                if (CaseCursor.Matches(query, c))
                {
                    counts[c.State] = counts.GetValueOrDefault(c.State) + 1;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<CaseState, long>>(counts);
    }
}
