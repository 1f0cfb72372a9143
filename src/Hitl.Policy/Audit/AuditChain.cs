using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
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
/// <para><b>Keyed records.</b> A record written with an <see cref="AuditKey"/> carries the key's id and its hash is
/// the HMAC-SHA256 under that key, as lower-case hex, of
/// <c>{"sequence":N,"previousHash":"…","keyId":"…","entry":{…}}</c>. The stored line puts the key id before the
/// hash: <c>{"sequence":N,"previousHash":"…","keyId":"…","hash":"…","entry":{…}}</c>. Unkeyed records keep the
/// format above, so older trails verify unchanged.</para>
/// <para><b>What each mode catches.</b> A plain hash chain shows any change, removal, insertion or reordering of a
/// record, unless whoever changed it also recomputed every later hash, which anyone can. A keyed chain shows those
/// too against anyone without the key: a rewritten file or re-appended edited entries do not verify. Neither shows
/// that records were cut off the end: an <see cref="AuditCheckpoint"/> kept somewhere else does (see
/// docs/security.md).</para>
/// </remarks>
public static class AuditChain
{
    /// <summary>The previous hash of the first record: 64 zeros.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private const int HashLength = 64;

    private static ReadOnlySpan<byte> SequencePrefix => "{\"sequence\":"u8;

    private static ReadOnlySpan<byte> PreviousHashPrefix => ",\"previousHash\":\""u8;

    private static ReadOnlySpan<byte> KeyIdPrefix => "\",\"keyId\":\""u8;

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

    /// <summary>Computes the keyed hash (HMAC-SHA256) of a record, as a store with that key writes it.</summary>
    /// <param name="sequence">The record's sequence number (from 1).</param>
    /// <param name="previousHash">The hash of the record before, or <see cref="GenesisHash"/>.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="key">The key that signs it; its id is part of what is signed.</param>
    /// <returns>The MAC as 64 lower-case hex digits.</returns>
    /// <exception cref="ArgumentException">The sequence is below 1, the previous hash is not 64 lower-case hex digits, or the entry is not valid.</exception>
    public static string ComputeMac(long sequence, string previousHash, AuditEntry entry, AuditKey key)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(key);
        RequireHash(previousHash, nameof(previousHash));
        AuditEntryRules.Validate(entry, lastSequence: long.MaxValue);
        return ComputeHash(sequence, previousHash, key, SerializeEntry(entry));
    }

    /// <summary>
    /// Checks a sequence of records from the first, as <see cref="VerifyAsync(IAsyncEnumerable{AuditRecord}, CancellationToken)"/>
    /// does, and with a key ring each keyed record's MAC; with a checkpoint also that the records reach it unchanged.
    /// </summary>
    /// <param name="records">The records, in order, from sequence 1.</param>
    /// <param name="keys">The keys that verify keyed records; <see langword="null"/> checks only links and plain hashes (keyed records are counted in <see cref="AuditVerification.UncheckedMacs"/>).</param>
    /// <param name="checkpoint">A checkpoint kept elsewhere: records cut off before it, or changed up to it, are found.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result, naming the first record that fails and why.</returns>
    public static async ValueTask<AuditVerification> VerifyAsync(
        IAsyncEnumerable<AuditRecord> records, AuditKeyRing? keys, AuditCheckpoint? checkpoint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var checker = new AuditChainChecker(keys, checkpoint);
        if (checker.CheckpointFailure() is { } badCheckpoint)
        {
            return badCheckpoint;
        }

        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            byte[] entryJson;
            try
            {
                entryJson = SerializeEntry(record.Entry);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                return checker.Fail($"sequence {record.Sequence}: the entry cannot be serialized ({ex.Message}).", line: null);
            }

            var problem = checker.Check(record, entryJson);
            if (problem is not null)
            {
                return checker.Fail(problem, line: null);
            }
        }

        return checker.Finish(line: null);
    }

    /// <summary>Checks a sequence of records from the first: numbering from 1 without gaps, each previous hash equal to the hash before, each hash equal to its content's.</summary>
    /// <param name="records">The records, in order, from sequence 1.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result, naming the first record that fails (no line numbers).</returns>
    public static ValueTask<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken = default) =>
        VerifyAsync(records, keys: null, checkpoint: null, cancellationToken);

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
    /// <remarks>A keyed record is not checked here (see <see cref="AuditChainChecker"/>): without the key only its links can be.</remarks>
    internal static string? FindHashProblem(AuditRecord record, ReadOnlySpan<byte> entryJson)
    {
        if (!IsHash(record.PreviousHash))
        {
            return $"sequence {record.Sequence}: the previous hash '{record.PreviousHash}' is not 64 lower-case hex digits.";
        }

        if (record.KeyId is not null)
        {
            return null;
        }

        var actual = ComputeHash(record.Sequence, record.PreviousHash, entryJson);
        return string.Equals(actual, record.Hash, StringComparison.Ordinal)
            ? null
            : $"sequence {record.Sequence}: the content does not match the record's hash '{record.Hash}' (it hashes to '{actual}'): the record was changed after it was written.";
    }

    /// <summary>
    /// Makes the next record of a chain for a store of its own (a database, a queue): checks the entry (as every store
    /// here does), freezes its lists, and hashes it in the canonical form, keyed with <paramref name="key"/> when one is
    /// given. <see cref="SealedAuditRecord.Line"/> is the record as a JSON Lines trail holds it; store that text and read
    /// it back with <see cref="ParseLine"/>, and the trail verifies and exports exactly as the file store's does.
    /// </summary>
    /// <param name="entry">What happened.</param>
    /// <param name="sequence">The record's sequence number: one more than the last.</param>
    /// <param name="previousHash">The last record's hash, or <see cref="GenesisHash"/> for the first.</param>
    /// <param name="key">The key of a keyed trail, or <see langword="null"/> for a plain SHA-256 chain.</param>
    /// <returns>The record and its line.</returns>
    /// <exception cref="ArgumentException">The entry is not valid (the message names the field and the value), or a hash is malformed.</exception>
    public static SealedAuditRecord Seal(AuditEntry entry, long sequence, string previousHash, AuditKey? key) =>
        Seal(Prepare(entry), sequence, previousHash, key);

    /// <summary>
    /// The part of <see cref="Seal(AuditEntry, long, string, AuditKey?)"/> that does not depend on the chain: checks the
    /// entry, freezes its lists and writes its canonical JSON. A store does this on the caller's thread and leaves only
    /// the linking (<see cref="Seal(PreparedAuditEntry, long, string, AuditKey?)"/>) to its single writer.
    /// </summary>
    /// <param name="entry">What happened.</param>
    /// <returns>The entry, ready to be linked into a chain.</returns>
    /// <exception cref="ArgumentException">The entry is not valid (the message names the field and the value).</exception>
    public static PreparedAuditEntry Prepare(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        AuditEntryRules.Validate(entry, long.MaxValue);
        var frozen = AuditEntryRules.Freeze(entry);
        return new PreparedAuditEntry(frozen, SerializeEntry(frozen));
    }

    /// <summary>Links a prepared entry into a chain as the record after <paramref name="previousHash"/>.</summary>
    /// <param name="entry">The entry <see cref="Prepare"/> made.</param>
    /// <param name="sequence">The record's sequence number: one more than the last.</param>
    /// <param name="previousHash">The last record's hash, or <see cref="GenesisHash"/> for the first.</param>
    /// <param name="key">The key of a keyed trail, or <see langword="null"/> for a plain SHA-256 chain.</param>
    /// <returns>The record and its line.</returns>
    /// <exception cref="ArgumentException">A correction supersedes a record after <paramref name="sequence"/>, or a hash is malformed.</exception>
    public static SealedAuditRecord Seal(PreparedAuditEntry entry, long sequence, string previousHash, AuditKey? key)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        RequireHash(previousHash, nameof(previousHash));
        if (entry.Entry.Supersedes is { } supersedes && supersedes >= sequence)
        {
            AuditEntryRules.Validate(entry.Entry, sequence - 1);
        }

        var entryJson = entry.Json;
        var hash = ComputeHash(sequence, previousHash, key, entryJson);
        var record = new AuditRecord(sequence, entry.Entry, previousHash, hash) { KeyId = key?.Id };
        var length = EnvelopeLength(entryJson.Length, withHash: true, key?.Id);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = WriteEnvelope(buffer, sequence, previousHash, key?.Id, hash, entryJson);
            return new SealedAuditRecord(record, System.Text.Encoding.UTF8.GetString(buffer, 0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Links prepared entries, in order, into a chain after the record <paramref name="sequence"/> whose hash is <paramref name="previousHash"/>.</summary>
    /// <param name="entries">The entries <see cref="Prepare"/> made.</param>
    /// <param name="sequence">The sequence number of the last record (0 for an empty chain).</param>
    /// <param name="previousHash">The last record's hash, or <see cref="GenesisHash"/> for an empty chain.</param>
    /// <param name="key">The key of a keyed trail, or <see langword="null"/> for a plain SHA-256 chain.</param>
    /// <returns>The records and their lines, numbered from <c>sequence + 1</c>.</returns>
    /// <exception cref="ArgumentException">A correction supersedes a record after its own, or a hash is malformed.</exception>
    public static SealedAuditRecord[] SealAfter(IReadOnlyList<PreparedAuditEntry> entries, long sequence, string previousHash, AuditKey? key)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sealedRecords = new SealedAuditRecord[entries.Count];
        for (var i = 0; i < sealedRecords.Length; i++)
        {
            sealedRecords[i] = Seal(entries[i], ++sequence, previousHash, key);
            previousHash = sealedRecords[i].Record.Hash;
        }

        return sealedRecords;
    }

    /// <summary>
    /// Checks a trail kept as stored lines (a database's audit table): each line is read back as a record and the chain
    /// checked as <see cref="VerifyAsync(IAsyncEnumerable{AuditRecord}, AuditKeyRing?, AuditCheckpoint?, CancellationToken)"/>
    /// does; a stored line that is not a record fails the check at its sequence number.
    /// </summary>
    /// <param name="lines">The stored lines with their sequence numbers, in order, from the first.</param>
    /// <param name="keys">The keys that verify keyed records; <see langword="null"/> checks only links and plain hashes.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The result, naming the first record that fails and why.</returns>
    public static async ValueTask<AuditVerification> VerifyLinesAsync(
        IAsyncEnumerable<(long Sequence, string Line)> lines, AuditKeyRing? keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        string? problem = null;
        long? at = null;
        async IAsyncEnumerable<AuditRecord> Records([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
        {
            await foreach (var (sequence, line) in lines.WithCancellation(token).ConfigureAwait(false))
            {
                AuditRecord record;
                try
                {
                    record = ParseLine(line);
                }
                catch (FormatException ex)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"sequence {sequence}: the stored line is not a record ({ex.Message})");
                    at = sequence;
                    yield break;
                }

                yield return record;
            }
        }

        var result = await VerifyAsync(Records(cancellationToken), keys, checkpoint: null, cancellationToken).ConfigureAwait(false);
        return result.IsIntact && problem is not null
            ? new AuditVerification(false, result.RecordCount, at, null, problem, TornTail: false) { KeyedRecords = result.KeyedRecords, UncheckedMacs = result.UncheckedMacs }
            : result;
    }

    /// <summary>Reads a record from the line <see cref="Seal(AuditEntry, long, string, AuditKey?)"/> made (one line of a JSON Lines trail, without its line feed).</summary>
    /// <param name="line">The line.</param>
    /// <returns>The record. Its hash is not checked here: verify the chain with <see cref="VerifyAsync(IAsyncEnumerable{AuditRecord}, AuditKeyRing?, AuditCheckpoint?, CancellationToken)"/>.</returns>
    /// <exception cref="FormatException">The line is not a record (the message says why).</exception>
    public static AuditRecord ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return AuditJsonLine.TryParse(System.Text.Encoding.UTF8.GetBytes(line), checkCanonical: false, out var parsed, out var problem)
            ? parsed.Record
            : throw new FormatException("The audit line is " + problem + ".");
    }

    /// <summary>The entry in canonical JSON (UTF-8).</summary>
    internal static byte[] SerializeEntry(AuditEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, AuditJsonContext.Default.AuditEntry);

    /// <summary>The hash of a record whose entry is already in canonical JSON.</summary>
    internal static string ComputeHash(long sequence, string previousHash, ReadOnlySpan<byte> entryJson) =>
        ComputeHash(sequence, previousHash, key: null, entryJson);

    /// <summary>The hash (plain SHA-256, or the HMAC under <paramref name="key"/>) of a record whose entry is already in canonical JSON.</summary>
    internal static string ComputeHash(long sequence, string previousHash, AuditKey? key, ReadOnlySpan<byte> entryJson)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(EnvelopeLength(entryJson.Length, withHash: false, key?.Id));
        try
        {
            var length = WriteEnvelope(buffer, sequence, previousHash, key?.Id, hash: null, entryJson);
            if (key is not null)
            {
                return key.Mac(buffer.AsSpan(0, length));
            }

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
    internal static int EnvelopeLength(int entryLength, bool withHash, string? keyId = null) =>
        SequencePrefix.Length + 20 + PreviousHashPrefix.Length + HashLength
        + (keyId is null ? 0 : KeyIdPrefix.Length + keyId.Length)
        + (withHash ? HashPrefix.Length + HashLength : 0) + EntryPrefix.Length + entryLength + 1;

    /// <summary>
    /// Writes <c>{"sequence":N,"previousHash":"…",["keyId":"…",]["hash":"…",]"entry":…}</c>: without the hash it is what
    /// gets hashed, with it it is a stored line. The hex strings and key ids need no escaping, so these bytes are what a
    /// JSON writer would produce.
    /// </summary>
    internal static int WriteEnvelope(Span<byte> destination, long sequence, string previousHash, string? keyId, string? hash, ReadOnlySpan<byte> entryJson)
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
        if (keyId is not null)
        {
            Append(destination, ref at, KeyIdPrefix);
            at += System.Text.Encoding.ASCII.GetBytes(keyId, destination[at..]);
        }

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
