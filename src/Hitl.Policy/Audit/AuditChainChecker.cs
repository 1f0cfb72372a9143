namespace Hitl.Policy.Audit;

/// <summary>
/// The checks every verify makes, record by record: numbering, links, the plain hash or the keyed MAC, no unkeyed
/// record after a keyed one, and at the end the checkpoint. Shared by the file scan and <see cref="AuditChain"/>.
/// </summary>
internal sealed class AuditChainChecker(AuditKeyRing? keys, AuditCheckpoint? checkpoint)
{
    private long _count;
    private string _previous = AuditChain.GenesisHash;
    private long _keyed;
    private long _unchecked;
    private string? _firstKeyId;
    private string? _checkpointProblem = checkpoint is null ? null : checkpoint.FindProblem(keys);

    /// <summary>How many records passed.</summary>
    public long Count => _count;

    /// <summary>The last passed record's hash.</summary>
    public string LastHash => _previous;

    /// <summary>Keyed records whose MAC could not be checked (no key ring).</summary>
    public long UncheckedMacs => _unchecked;

    /// <summary>The key id of the first keyed record, when any.</summary>
    public string? FirstKeyId => _firstKeyId;

    /// <summary>
    /// The result when the checkpoint itself fails (forged, changed, unsigned where keys are given), before any
    /// record is read: nothing can be measured against it. <see langword="null"/> when it passes or there is none.
    /// </summary>
    public AuditVerification? CheckpointFailure() => _checkpointProblem is null
        ? null
        : new AuditVerification(false, 0, null, null, "the checkpoint " + _checkpointProblem, TornTail: false);

    /// <summary>Checks the next record; <see langword="null"/> when it passes (and then it counts).</summary>
    public string? Check(AuditRecord record, ReadOnlySpan<byte> entryJson)
    {
        var problem = AuditChain.FindLinkProblem(record, _count + 1, _previous) ?? FindContentProblem(record, entryJson);
        if (problem is not null)
        {
            return problem;
        }

        if (checkpoint is not null && record.Sequence == checkpoint.Sequence && !string.Equals(record.Hash, checkpoint.Hash, StringComparison.Ordinal))
        {
            return $"sequence {record.Sequence}: its hash '{record.Hash}' is not the hash '{checkpoint.Hash}' that the checkpoint of {checkpoint.At:O} recorded for it: the trail was rewritten up to the checkpoint.";
        }

        _count++;
        _previous = record.Hash;
        if (record.KeyId is not null)
        {
            _keyed++;
            _firstKeyId ??= record.KeyId;
        }

        return null;
    }

    /// <summary>The result when a record failed.</summary>
    public AuditVerification Fail(string problem, int? line, bool tornTail = false) =>
        new(false, _count, _count + 1, line, line is null ? problem : $"line {line}: {problem}", tornTail)
        {
            UncheckedMacs = _unchecked,
            KeyedRecords = _keyed,
        };

    /// <summary>The result once every record passed: intact unless the checkpoint says records are missing.</summary>
    /// <param name="line">The line a missing record would be on, for a line-oriented store.</param>
    /// <param name="torn">A torn-tail result the scan found after the intact records, returned when the checkpoint is satisfied.</param>
    public AuditVerification Finish(int? line, AuditVerification? torn = null)
    {
        if (_checkpointProblem is not null)
        {
            return new AuditVerification(false, _count, null, null, "the checkpoint " + _checkpointProblem, TornTail: false)
            {
                UncheckedMacs = _unchecked,
                KeyedRecords = _keyed,
            };
        }

        if (checkpoint is not null && _count < checkpoint.Sequence)
        {
            var missing = checkpoint.Sequence - _count;
            return Fail(
                $"the trail ends at sequence {_count}, but the checkpoint of {checkpoint.At:O} recorded sequence {checkpoint.Sequence}: {missing} record{(missing == 1 ? " was" : "s were")} cut off the end, or the trail was replaced.",
                line);
        }

        if (torn is not null)
        {
            return torn with { UncheckedMacs = _unchecked, KeyedRecords = _keyed, CheckpointMatched = checkpoint is not null };
        }

        return new AuditVerification(true, _count, null, null, null, TornTail: false)
        {
            UncheckedMacs = _unchecked,
            KeyedRecords = _keyed,
            CheckpointMatched = checkpoint is not null,
        };
    }

    private string? FindContentProblem(AuditRecord record, ReadOnlySpan<byte> entryJson)
    {
        if (!AuditChain.IsHash(record.PreviousHash))
        {
            return $"sequence {record.Sequence}: the previous hash '{record.PreviousHash}' is not 64 lower-case hex digits.";
        }

        if (record.KeyId is null)
        {
            if (_keyed > 0)
            {
                return $"sequence {record.Sequence}: the record is not keyed (a plain SHA-256 hash) but follows keyed records: it was written or rewritten without the key.";
            }

            if (keys is not null && !keys.AllowUnkeyedRecords)
            {
                return $"sequence {record.Sequence}: the record is not keyed (a plain SHA-256 hash, which anyone can recompute), but the trail is verified with a key ring: it was written without the key, or rewritten. A trail begun without a key is accepted only with AllowUnkeyedRecords.";
            }

            return AuditChain.FindHashProblem(record, entryJson);
        }

        if (!AuditKey.IsValidId(record.KeyId))
        {
            return $"sequence {record.Sequence}: the key id '{record.KeyId}' is not a valid key id.";
        }

        if (keys is null)
        {
            _unchecked++;
            return null;
        }

        var key = keys.Find(record.KeyId);
        if (key is null)
        {
            return $"sequence {record.Sequence}: the record is signed with key '{record.KeyId}', which is not in the key ring ({keys.DescribeIds()}).";
        }

        var mac = AuditChain.ComputeHash(record.Sequence, record.PreviousHash, key, entryJson);
        return string.Equals(mac, record.Hash, StringComparison.Ordinal)
            ? null
            : $"sequence {record.Sequence}: the MAC '{record.Hash}' does not match the record's content under key '{key.Id}': the record was changed, or written by someone without the key.";
    }
}
