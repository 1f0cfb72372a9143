using System.Security.Cryptography;

namespace Hitl.Policy.Audit;

/// <summary>
/// A secret that keys an audit trail: each record's hash becomes an HMAC-SHA256 under it, so a record can be changed,
/// re-appended or forged only by someone who holds the secret. The <see cref="Id"/> is written on every record it
/// signs; the secret never is.
/// </summary>
/// <remarks>
/// Keep the secret out of the trail's reach: a secret store, an environment variable, a key vault bound into
/// configuration. Rotate by making a new key the active one of an <see cref="AuditKeyRing"/> and keeping the old
/// ones in the ring, so that the records they signed still verify.
/// </remarks>
public sealed class AuditKey
{
    /// <summary>The fewest secret bytes accepted: 32, the size of an HMAC-SHA256 output.</summary>
    public const int MinimumSecretBytes = 32;

    private const int MaxIdLength = 64;

    private readonly byte[] _secret;

    /// <summary>Creates a key.</summary>
    /// <param name="id">The key's name, written on every record it signs: 1 to 64 letters, digits, '.', '_' or '-'.</param>
    /// <param name="secret">The secret, at least <see cref="MinimumSecretBytes"/> random bytes; copied.</param>
    /// <exception cref="ArgumentException">The id is not a valid key id, or the secret is too short (the message says which and gives the id).</exception>
    public AuditKey(string id, ReadOnlySpan<byte> secret)
    {
        CheckId(id, nameof(id));
        if (secret.Length < MinimumSecretBytes)
        {
            throw new ArgumentException(
                $"The secret of audit key '{id}' is {secret.Length} bytes; at least {MinimumSecretBytes} random bytes are required (for example RandomNumberGenerator.GetBytes(32)).",
                nameof(secret));
        }

        Id = id;
        _secret = secret.ToArray();
    }

    /// <summary>The key's name, as written on the records it signs.</summary>
    public string Id { get; }

    /// <summary>Creates a key from its secret in base64 (as configuration holds it).</summary>
    /// <param name="id">The key's name.</param>
    /// <param name="secretBase64">The secret in base64.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The id is not valid, the secret is not base64 or is too short.</exception>
    public static AuditKey FromBase64(string id, string secretBase64)
    {
        CheckId(id, nameof(id));
        if (string.IsNullOrWhiteSpace(secretBase64))
        {
            throw new ArgumentException($"The secret of audit key '{id}' is empty; give at least {MinimumSecretBytes} random bytes in base64.", nameof(secretBase64));
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(secretBase64.Trim());
        }
        catch (FormatException)
        {
            throw new ArgumentException($"The secret of audit key '{id}' is not base64.", nameof(secretBase64));
        }

        try
        {
            return new AuditKey(id, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The key's id only: the secret is never shown.</summary>
    /// <returns><c>AuditKey(id)</c>.</returns>
    public override string ToString() => $"AuditKey({Id})";

    /// <summary>Whether a string is a valid key id.</summary>
    internal static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength
        && id.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;

    /// <summary>The HMAC-SHA256 of some bytes under this key, as 64 lower-case hex digits.</summary>
    internal string Mac(ReadOnlySpan<byte> data)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, data, mac);
        return Convert.ToHexStringLower(mac);
    }

    private static readonly System.Buffers.SearchValues<char> IdCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    private static void CheckId(string? id, string parameter)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"The audit key id '{id}' is not valid: use 1 to {MaxIdLength} letters, digits, '.', '_' or '-'.", parameter);
        }
    }
}
