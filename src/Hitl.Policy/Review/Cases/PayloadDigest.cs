using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Hitl.Policy.Review;

/// <summary>
/// Digests (lower-case hex) of payloads and policy documents; the audit trail keeps digests, not content. Payload
/// digests are keyed when the gate has a <see cref="ReviewGateOptions.PayloadDigestKey"/>: HMAC-SHA256 under the
/// deployment secret, so that short payloads cannot be recovered by hashing guesses. Policy documents are not secret
/// and keep a plain SHA-256, which anyone can recompute from the file.
/// </summary>
internal static class PayloadDigest
{
    private static readonly ConditionalWeakTable<string, byte[]> DecodedKeys = new();

    /// <summary>The plain SHA-256 of a text (policy documents; payloads without a deployment key).</summary>
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The digest of a payload under the gate's options: keyed when a payload digest key is set.</summary>
    public static string Of(string payload, ReviewGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PayloadDigestKey is not { } encoded)
        {
            return Of(payload);
        }

        var key = DecodedKeys.GetValue(encoded, Decode);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>What is wrong with a payload digest key, or <see langword="null"/> when it is usable (never quoting the secret).</summary>
    public static string? Problem(string? encoded)
    {
        if (encoded is null)
        {
            return null;
        }

        try
        {
            var length = Convert.FromBase64String(encoded.Trim()).Length;
            return length >= Audit.AuditKey.MinimumSecretBytes
                ? null
                : $"is {length} bytes; at least {Audit.AuditKey.MinimumSecretBytes} random bytes in base64 are required.";
        }
        catch (FormatException)
        {
            return "is not base64.";
        }
    }

    private static byte[] Decode(string encoded)
    {
        if (Problem(encoded) is { } problem)
        {
            throw new InvalidOperationException("ReviewGateOptions.PayloadDigestKey " + problem);
        }

        return Convert.FromBase64String(encoded.Trim());
    }
}
