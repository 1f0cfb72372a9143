namespace Hitl.Policy.Audit;

/// <summary>
/// An append-only, hash-chained audit trail. Implementations refuse to rewrite history: a correction is a new record.
/// An append that fails throws, and the caller then leaves the case pending or blocked, never executed.
/// </summary>
public interface IAuditStore
{
    /// <summary>Appends an entry; it is durable when the returned task completes.</summary>
    /// <param name="entry">What happened.</param>
    /// <param name="cancellationToken">Cancels the wait (not a write that already began).</param>
    /// <returns>The stored record with its sequence number and hash.</returns>
    ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads the records in order, from a sequence number on.</summary>
    /// <param name="fromSequence">The first sequence number to return (1 for all).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default);

    /// <summary>Checks the whole chain and reports the first broken link.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result.</returns>
    ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

/// <summary>The result of checking an audit chain.</summary>
/// <param name="IsIntact">Whether every record is present, unchanged and in order.</param>
/// <param name="RecordCount">How many records were read intact before the first problem (all of them when intact).</param>
/// <param name="FirstBrokenSequence">The sequence number of the first record that fails the check, when one does.</param>
/// <param name="FirstBrokenLine">The 1-based line of that record in a line-oriented store, when the store has lines.</param>
/// <param name="Problem">What is wrong, in a sentence.</param>
/// <param name="TornTail">Whether the only problem is an incomplete last record (a crash during a write).</param>
public sealed record AuditVerification(bool IsIntact, long RecordCount, long? FirstBrokenSequence, int? FirstBrokenLine, string? Problem, bool TornTail)
{
    /// <summary>
    /// How many keyed records were read whose MAC could not be checked because no key ring was given: their links and
    /// form were checked, but not that someone with the key wrote them. 0 when every record was checked.
    /// </summary>
    public long UncheckedMacs { get; init; }

    /// <summary>How many of the records read intact were keyed (carry a key id).</summary>
    public long KeyedRecords { get; init; }

    /// <summary>Whether a checkpoint was given and the trail reaches it unchanged.</summary>
    public bool CheckpointMatched { get; init; }
}
