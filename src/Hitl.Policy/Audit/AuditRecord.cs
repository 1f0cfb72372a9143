namespace Hitl.Policy.Audit;

/// <summary>
/// An <see cref="AuditEntry"/> as stored: numbered and hash-chained. <see cref="Hash"/> covers the sequence number,
/// the previous record's hash and the entry, so that changing, removing or reordering a record breaks the chain.
/// </summary>
/// <param name="Sequence">The record's position, from 1, without gaps.</param>
/// <param name="Entry">What was recorded.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">The hash (lower-case hex) of this record: SHA-256, or for a keyed record the HMAC-SHA256 under the key <see cref="KeyId"/> names.</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash)
{
    /// <summary>The id of the <see cref="AuditKey"/> whose HMAC <see cref="Hash"/> is; <see langword="null"/> for an unkeyed (plain SHA-256) record.</summary>
    public string? KeyId { get; init; }
}

/// <summary>A record made by <see cref="AuditChain.Seal(AuditEntry, long, string, AuditKey?)"/>, with its line as a JSON Lines trail holds it.</summary>
/// <param name="Record">The record.</param>
/// <param name="Line">The record's canonical line (no line feed): what to store, and what <see cref="AuditChain.ParseLine"/> reads.</param>
public sealed record SealedAuditRecord(AuditRecord Record, string Line);

/// <summary>
/// An audit entry checked, frozen and in canonical JSON, waiting to be linked into a chain
/// (<see cref="AuditChain.Seal(PreparedAuditEntry, long, string, AuditKey?)"/>). Made by <see cref="AuditChain.Prepare"/>.
/// </summary>
public sealed class PreparedAuditEntry
{
    internal PreparedAuditEntry(AuditEntry entry, byte[] json)
    {
        Entry = entry;
        Json = json;
    }

    /// <summary>The entry as it will be recorded (its lists copied, so later changes by the caller do not reach it).</summary>
    public AuditEntry Entry { get; }

    internal byte[] Json { get; }
}
