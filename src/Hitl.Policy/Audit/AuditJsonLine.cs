using System.Text.Json;

namespace Hitl.Policy.Audit;

/// <summary>
/// One record as a line of a JSON Lines trail: <c>{"sequence":N,"previousHash":"…",["keyId":"…",]"hash":"…","entry":{…}}</c>
/// and a line feed. The line is the canonical form (see <see cref="AuditChain"/>) with the hash added, so a reader can
/// check both that the content matches the hash and that no byte of the line was changed.
/// </summary>
internal static class AuditJsonLine
{
    /// <summary>Writes a record's line, ending in a line feed, to <paramref name="destination"/>.</summary>
    public static void Write(System.Buffers.IBufferWriter<byte> destination, long sequence, string previousHash, string? keyId, string hash, ReadOnlySpan<byte> entryJson)
    {
        var span = destination.GetSpan(AuditChain.EnvelopeLength(entryJson.Length, withHash: true, keyId) + 1);
        var length = AuditChain.WriteEnvelope(span, sequence, previousHash, keyId, hash, entryJson);
        span[length++] = (byte)'\n';
        destination.Advance(length);
    }

    /// <summary>
    /// Reads one line (without its line feed). With <paramref name="checkCanonical"/> it also tells whether the line is
    /// byte for byte what the store would write for that record; <see cref="Parsed.EntryJson"/> is then set.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, bool checkCanonical, out Parsed parsed, out string? problem)
    {
        parsed = default;
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize(line, AuditJsonContext.Default.Document);
        }
        catch (JsonException ex)
        {
            problem = $"not a valid record ({ex.Message})";
            return false;
        }

        if (document is null)
        {
            problem = "not a valid record (null)";
            return false;
        }

        if (!AuditChain.IsHash(document.Hash) || !AuditChain.IsHash(document.PreviousHash))
        {
            problem = "not a valid record (its hashes must be 64 lower-case hex digits)";
            return false;
        }

        if (document.KeyId is not null && !AuditKey.IsValidId(document.KeyId))
        {
            problem = $"not a valid record (its key id '{document.KeyId}' is not a valid key id)";
            return false;
        }

        var record = new AuditRecord(document.Sequence, document.Entry, document.PreviousHash, document.Hash) { KeyId = document.KeyId };
        if (!checkCanonical)
        {
            parsed = new Parsed(record, null, Canonical: true);
            problem = null;
            return true;
        }

        var entryJson = AuditChain.SerializeEntry(document.Entry);
        var expected = new System.Buffers.ArrayBufferWriter<byte>(AuditChain.EnvelopeLength(entryJson.Length, withHash: true, record.KeyId) + 1);
        Write(expected, record.Sequence, record.PreviousHash, record.KeyId, record.Hash, entryJson);
        var canonical = expected.WrittenSpan[..^1].SequenceEqual(line);
        parsed = new Parsed(record, entryJson, canonical);
        problem = null;
        return true;
    }

    /// <summary>A line read back: the record, its entry in canonical JSON, and whether the line was in canonical form.</summary>
    public readonly record struct Parsed(AuditRecord Record, byte[]? EntryJson, bool Canonical);

    /// <summary>The line's shape for the deserializer; the writer composes lines itself (see <see cref="AuditChain.WriteEnvelope"/>).</summary>
    internal sealed class Document
    {
        public required long Sequence { get; init; }

        public required string PreviousHash { get; init; }

        public string? KeyId { get; init; }

        public required string Hash { get; init; }

        public required AuditEntry Entry { get; init; }
    }
}
