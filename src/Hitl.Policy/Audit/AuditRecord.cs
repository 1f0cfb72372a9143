namespace Hitl.Policy.Audit;

/// <summary>
/// An <see cref="AuditEntry"/> as stored: numbered and hash-chained. <see cref="Hash"/> covers the sequence number,
/// the previous record's hash and the entry, so that changing, removing or reordering a record breaks the chain.
/// </summary>
/// <param name="Sequence">The record's position, from 1, without gaps.</param>
/// <param name="Entry">What was recorded.</param>
/// <param name="PreviousHash">The hash of the record before (64 zeros for the first).</param>
/// <param name="Hash">The SHA-256 hash (lower-case hex) of this record.</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash);
