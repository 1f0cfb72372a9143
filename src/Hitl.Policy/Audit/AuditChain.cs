using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Hitl.Policy.Audit;

/// <summary>
/// Computes and checks the hash chain of an audit trail; every store and every verify use it, so they agree byte for byte.
/// </summary>
/// <remarks>
/// <para>A record's hash is the SHA-256, as lower-case hex, of the UTF-8 bytes of
/// <c>{"sequence":N,"previousHash":"…","entry":{…}}</c>: no whitespace, members in that order, and the entry in its
/// canonical JSON form (camel-case members in declaration order, members that are <see langword="null"/> left out,
/// <see cref="AuditEntry.Data"/> keys in ordinal order, numbers and dates in invariant form). The first record's
/// previous hash is <see cref="GenesisHash"/>.</para>
/// <para>The chain shows any change, removal, insertion or reordering of a record, unless whoever changed it also
/// recomputed every later hash; and it cannot show that records were cut off the end. Keep the latest hash
/// somewhere else (a database row, a ticket, a signed log) to anchor the trail against both.</para>
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the first record: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const int HashLength = 64;

    private static ReadOnlySpan<byte> SequencePrefix => "{\"sequence\":"u8;

    private static ReadOnlySpan<byte> PreviousHashPrefix => ",\"previousHash\":\""u8;

    private static ReadOnlySpan<byte> HashPrefix => "\",\"hash\":\""u8;

    private static ReadOnlySpan<byte> EntryPrefix => "\",\"entry\":"u8;

    /// <summary>Computes the hash of a record.</summary>
    /// <param name="sequence">The record's sequence number (from 1).</param>
    /// <param name="previousHash">The hash of the record before, or <see cref="GenesisHash"/>.</param>
    /// <param name="entry">The entry.</param>
    /// <returns>The SHA-256 hash as 64 lower-case hex digits.</returns>
    /// <exception cref="ArgumentException">The sequence is below 1, the previous hash is not 64 lower-case hex digits, or the entry is not valid (the message names the field).</exception>
    public static string ComputeHash(long sequence, string previousHash, AuditEntry entry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentNullException.ThrowIfNull(entry);
        RequireHash(previousHash, nameof(previousHash));
        AuditEntryRules.Validate(entry, lastSequence: long.MaxValue);
        return ComputeHash(sequence, previousHash, SerializeEntry(entry));
    }

    /// <summary>Checks a sequence of records from the first: numbering from 1 without gaps, each previous hash equal to the hash before, each hash equal to its content's.</summary>
    /// <param name="records">The records, in order, from sequence 1.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result, naming the first record that fails (no line numbers).</returns>
    public static async ValueTask<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        long count = 0;
        var previous = GenesisHash;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var problem = FindProblem(record, count + 1, previous);
            if (problem is not null)
            {
                return new AuditVerification(false, count, count + 1, null, problem, TornTail: false);
            }

            count++;
            previous = record.Hash;
        }

        return new AuditVerification(true, count, null, null, null, TornTail: false);
    }

    /// <summary>Says what is wrong with a record at a position of the chain, or <see langword="null"/> when nothing is.</summary>
    internal static string? FindProblem(AuditRecord record, long expectedSequence, string expectedPreviousHash)
    {
        var problem = FindLinkProblem(record, expectedSequence, expectedPreviousHash);
        if (problem is not null)
        {
            return problem;
        }

        byte[] entryJson;
        try
        {
            entryJson = SerializeEntry(record.Entry);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return $"sequence {record.Sequence}: the entry cannot be serialized ({ex.Message}).";
        }

        return FindHashProblem(record, entryJson);
    }

    /// <summary>Says whether a record sits where it should: the expected number, and the previous record's hash.</summary>
    internal static string? FindLinkProblem(AuditRecord record, long expectedSequence, string expectedPreviousHash)
    {
        if (record.Sequence != expectedSequence)
        {
            return $"expected sequence {expectedSequence}, found {record.Sequence}: a record is missing, repeated or out of order.";
        }

        if (!string.Equals(record.PreviousHash, expectedPreviousHash, StringComparison.Ordinal))
        {
            return expectedSequence == 1
                ? $"sequence 1: the previous hash is '{record.PreviousHash}', not the 64 zeros that start a chain."
                : $"sequence {expectedSequence}: the previous hash '{record.PreviousHash}' is not the hash of sequence {expectedSequence - 1} ('{expectedPreviousHash}'): a record before it was changed or replaced.";
        }

        return null;
    }

    /// <summary>Says whether a record's hash is the hash of its content (its entry given in canonical JSON).</summary>
    internal static string? FindHashProblem(AuditRecord record, ReadOnlySpan<byte> entryJson)
    {
        if (!IsHash(record.PreviousHash))
        {
            return $"sequence {record.Sequence}: the previous hash '{record.PreviousHash}' is not 64 lower-case hex digits.";
        }

        var actual = ComputeHash(record.Sequence, record.PreviousHash, entryJson);
        return string.Equals(actual, record.Hash, StringComparison.Ordinal)
            ? null
            : $"sequence {record.Sequence}: the content does not match the record's hash '{record.Hash}' (it hashes to '{actual}'): the record was changed after it was written.";
    }

    /// <summary>The entry in canonical JSON (UTF-8).</summary>
    internal static byte[] SerializeEntry(AuditEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.AuditEntry);

    /// <summary>The hash of a record whose entry is already in canonical JSON.</summary>
    internal static string ComputeHash(long sequence, string previousHash, ReadOnlySpan<byte> entryJson)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(EnvelopeLength(entryJson.Length, withHash: false));
        try
        {
            var length = WriteEnvelope(buffer, sequence, previousHash, hash: null, entryJson);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), digest);
            return Convert.ToHexStringLower(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The most bytes <see cref="WriteEnvelope"/> writes for an entry of this length.</summary>
    internal static int EnvelopeLength(int entryLength, bool withHash) =>
        SequencePrefix.Length + 20 + PreviousHashPrefix.Length + HashLength + (withHash ? HashPrefix.Length + HashLength : 0) + EntryPrefix.Length + entryLength + 1;

    /// <summary>
    /// Writes <c>{"sequence":N,"previousHash":"…",["hash":"…",]"entry":…}</c>: without the hash it is what gets hashed,
    /// with it it is a stored line. The hex strings need no escaping, so these bytes are what a JSON writer would produce.
    /// </summary>
    internal static int WriteEnvelope(Span<byte> destination, long sequence, string previousHash, string? hash, ReadOnlySpan<byte> entryJson)
    {
        var at = 0;
        Append(destination, ref at, SequencePrefix);
        if (!Utf8Formatter.TryFormat(sequence, destination[at..], out var written))
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        at += written;
        Append(destination, ref at, PreviousHashPrefix);
        at += System.Text.Encoding.ASCII.GetBytes(previousHash, destination[at..]);
        if (hash is not null)
        {
            Append(destination, ref at, HashPrefix);
            at += System.Text.Encoding.ASCII.GetBytes(hash, destination[at..]);
        }

        Append(destination, ref at, EntryPrefix);
        Append(destination, ref at, entryJson);
        destination[at++] = (byte)'}';
        return at;
    }

    /// <summary>Whether a string is 64 lower-case hex digits.</summary>
    internal static bool IsHash(string? value)
    {
        if (value is null || value.Length != HashLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static void RequireHash(string? value, string name)
    {
        if (!IsHash(value))
        {
            throw new ArgumentException($"'{name}' must be 64 lower-case hex digits (a SHA-256 hash), found '{value}'.", name);
        }
    }

    private static void Append(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }
}
