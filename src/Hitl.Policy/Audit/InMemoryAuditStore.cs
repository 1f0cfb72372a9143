namespace Hitl.Policy.Audit;

/// <summary>
/// An audit trail held in memory: hash-chained like the file store, for tests, samples and hosts that ship records
/// elsewhere themselves. Nothing survives the process. Thread-safe: parallel appends get consecutive sequence numbers
/// and a chain that verifies.
/// </summary>
/// <remarks>
/// The store keeps a copy of each entry's lists, so changing a list after appending it does not change the record.
/// </remarks>
public sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _gate = new();
    private readonly List<AuditRecord> _records = [];
    private readonly AuditKeyRing? _keys;

    /// <summary>Creates an empty, unkeyed trail (plain SHA-256 chain).</summary>
    public InMemoryAuditStore()
    {
    }

    /// <summary>Creates an empty keyed trail: every record's hash is an HMAC-SHA256 under the ring's active key.</summary>
    /// <param name="keys">The keys.</param>
    public InMemoryAuditStore(AuditKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
    }

    /// <summary>The number of records.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>The last record's hash, or <see cref="AuditChain.GenesisHash"/> when empty: keep it elsewhere to anchor the trail.</summary>
    public string LastHash
    {
        get
        {
            lock (_gate)
            {
                return _records.Count == 0 ? AuditChain.GenesisHash : _records[^1].Hash;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry is not valid (the message names the field and the value).</exception>
    public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        AuditEntryRules.Validate(entry, Count);
        var frozen = AuditEntryRules.Freeze(entry);
        var entryJson = AuditChain.SerializeEntry(frozen);
        lock (_gate)
        {
            var sequence = _records.Count + 1L;
            var previous = _records.Count == 0 ? AuditChain.GenesisHash : _records[^1].Hash;
            var record = new AuditRecord(sequence, frozen, previous, AuditChain.ComputeHash(sequence, previous, _keys?.Active, entryJson)) { KeyId = _keys?.Active.Id };
            _records.Add(record);
            return ValueTask.FromResult(record);
        }
    }

    /// <inheritdoc />
    /// <remarks>The records are those present when this method is called.</remarks>
    public IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        AuditRecord[] snapshot;
        lock (_gate)
        {
            var start = (int)Math.Min(fromSequence - 1, _records.Count);
            snapshot = _records.GetRange(start, _records.Count - start).ToArray();
        }

        return snapshot.ToAsyncEnumerable();
    }

    /// <inheritdoc />
    /// <remarks>A keyed store checks every MAC with its keys.</remarks>
    public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditChain.VerifyAsync(ReadAsync(1, cancellationToken), _keys, checkpoint: null, cancellationToken);

    /// <summary>A checkpoint of the last record, signed with the active key of a keyed store.</summary>
    /// <param name="at">When (from the host's clock).</param>
    /// <returns>The checkpoint.</returns>
    public AuditCheckpoint CreateCheckpoint(DateTimeOffset at)
    {
        lock (_gate)
        {
            return AuditCheckpoint.Create(_records.Count, _records.Count == 0 ? AuditChain.GenesisHash : _records[^1].Hash, at, _keys);
        }
    }
}
