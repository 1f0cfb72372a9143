using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Hitl.Policy.Audit;

/// <summary>
/// A signed statement of how far a trail reached: its last sequence number and that record's hash, when, and under
/// which key. Write it somewhere the trail's writer cannot rewrite (a second file system, an object store with
/// retention, a ticket, an API); verifying the trail against it shows records cut off the end, and a trail rewritten
/// up to it, which no chain can show by itself.
/// </summary>
/// <remarks>
/// <para>The MAC is the HMAC-SHA256, under the key <see cref="KeyId"/> names, of
/// <c>{"sequence":N,"hash":"…","keyId":"…","at":"…"}</c> (the time in round-trip form, UTC). A checkpoint of an
/// unkeyed trail has no key id and no MAC: it still shows truncation, as long as the place it is kept is trusted.</para>
/// <para>Its JSON form (<see cref="ToJson"/>) is what <c>hitl audit verify --checkpoint FILE</c> reads.</para>
/// </remarks>
/// <example>
/// <code>
/// var checkpoint = audit.CreateCheckpoint();
/// await File.WriteAllTextAsync("/mnt/elsewhere/audit.checkpoint.json", checkpoint.ToJson());
/// // later: var check = JsonLinesAuditStore.VerifyFile("audit.jsonl", keys, AuditCheckpoint.Parse(text));
/// </code>
/// </example>
public sealed record AuditCheckpoint
{
    /// <summary>The last record's sequence number when the checkpoint was made (0 for an empty trail).</summary>
    public required long Sequence { get; init; }

    /// <summary>That record's hash (<see cref="AuditChain.GenesisHash"/> for an empty trail).</summary>
    public required string Hash { get; init; }

    /// <summary>When the checkpoint was made, from the store's clock (UTC).</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The id of the key that signed it; <see langword="null"/> for an unsigned checkpoint.</summary>
    public string? KeyId { get; init; }

    /// <summary>The HMAC-SHA256 (lower-case hex) that signs it; <see langword="null"/> when unsigned.</summary>
    public string? Mac { get; init; }

    /// <summary>Makes a checkpoint, signed with the ring's active key when a ring is given.</summary>
    /// <param name="sequence">The last record's sequence number.</param>
    /// <param name="hash">That record's hash.</param>
    /// <param name="at">When.</param>
    /// <param name="keys">The keys; <see langword="null"/> makes an unsigned checkpoint.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="ArgumentException">The sequence is negative or the hash is not 64 lower-case hex digits.</exception>
    public static AuditCheckpoint Create(long sequence, string hash, DateTimeOffset at, AuditKeyRing? keys)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (!AuditChain.IsHash(hash))
        {
            throw new ArgumentException($"The checkpoint hash must be 64 lower-case hex digits, found '{hash}'.", nameof(hash));
        }

        var checkpoint = new AuditCheckpoint { Sequence = sequence, Hash = hash, At = at.ToUniversalTime(), KeyId = keys?.Active.Id };
        return keys is null ? checkpoint : checkpoint with { Mac = keys.Active.Mac(checkpoint.SignedBytes()) };
    }

    /// <summary>The checkpoint as one JSON object, to write to a second place.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", Sequence);
            writer.WriteString("hash", Hash);
            writer.WriteString("at", FormatAt(At));
            if (KeyId is not null)
            {
                writer.WriteString("keyId", KeyId);
            }

            if (Mac is not null)
            {
                writer.WriteString("mac", Mac);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a checkpoint written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The checkpoint (its MAC is checked when verifying with a key ring).</returns>
    /// <exception cref="FormatException">The text is not a checkpoint; the message names the field and the value.</exception>
    public static AuditCheckpoint Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The checkpoint is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"The checkpoint must be a JSON object, found {root.ValueKind}.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("sequence" or "hash" or "at" or "keyId" or "mac"))
                {
                    throw new FormatException($"The checkpoint has an unknown field '{property.Name}'; expected sequence, hash, at, keyId and mac.");
                }
            }

            if (!root.TryGetProperty("sequence", out var sequence) || sequence.ValueKind != JsonValueKind.Number
                || !sequence.TryGetInt64(out var number) || number < 0)
            {
                throw new FormatException($"The checkpoint's 'sequence' must be a whole number of at least 0, found {Show(root, "sequence")}.");
            }

            var hash = Text(root, "hash", required: true)!;
            if (!AuditChain.IsHash(hash))
            {
                throw new FormatException($"The checkpoint's 'hash' must be 64 lower-case hex digits, found '{hash}'.");
            }

            var atText = Text(root, "at", required: true)!;
            if (!DateTimeOffset.TryParseExact(atText, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                throw new FormatException($"The checkpoint's 'at' must be a round-trip date and time (2026-12-01T20:00:00.0000000+00:00), found '{atText}'.");
            }

            var keyId = Text(root, "keyId", required: false);
            var mac = Text(root, "mac", required: false);
            if ((keyId is null) != (mac is null))
            {
                throw new FormatException("The checkpoint has a 'keyId' without a 'mac' or a 'mac' without a 'keyId'; a signed checkpoint has both.");
            }

            if (keyId is not null && !AuditKey.IsValidId(keyId))
            {
                throw new FormatException($"The checkpoint's 'keyId' is not a valid key id, found '{keyId}'.");
            }

            if (mac is not null && !AuditChain.IsHash(mac))
            {
                throw new FormatException($"The checkpoint's 'mac' must be 64 lower-case hex digits, found '{mac}'.");
            }

            return new AuditCheckpoint { Sequence = number, Hash = hash, At = at, KeyId = keyId, Mac = mac };
        }
    }

    /// <summary>
    /// What is wrong with the checkpoint itself under the keys (a MAC that does not match, an unknown key, a missing
    /// signature where keys are given), or <see langword="null"/>. Without keys a signature cannot be checked.
    /// </summary>
    internal string? FindProblem(AuditKeyRing? keys)
    {
        if (keys is null)
        {
            return null;
        }

        if (KeyId is null || Mac is null)
        {
            return "is not signed, but the trail is verified with a key ring: anyone could have written it.";
        }

        var key = keys.Find(KeyId);
        if (key is null)
        {
            return $"is signed with key '{KeyId}', which is not in the key ring ({keys.DescribeIds()}).";
        }

        return string.Equals(key.Mac(SignedBytes()), Mac, StringComparison.Ordinal)
            ? null
            : $"MAC '{Mac}' does not match its content under key '{KeyId}': the checkpoint was changed or forged.";
    }

    private byte[] SignedBytes() => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"sequence\":{Sequence},\"hash\":\"{Hash}\",\"keyId\":\"{KeyId}\",\"at\":\"{FormatAt(At)}\"}}"));

    private static string FormatAt(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement root, string name, bool required)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new FormatException($"The checkpoint has no '{name}'.") : null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"The checkpoint's '{name}' must be a string, found {value.GetRawText()}.");
    }

    private static string Show(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.GetRawText() : "nothing";
}
