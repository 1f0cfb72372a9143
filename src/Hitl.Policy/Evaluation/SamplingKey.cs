using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Hitl.Policy;

/// <summary>
/// A deployment secret that keys the deterministic audit sample. Without a key, whether a request id is sampled follows
/// from a public hash, so a submitter who chooses request ids can pick ones that are never sampled. With a key (kept
/// secret by the host, the same on every instance), the sample is a keyed pseudorandom function of the id
/// (SipHash-2-4): the same key and id give the same decision on every machine, and without the key nobody can tell
/// which ids are sampled.
/// </summary>
/// <remarks>
/// Pass it to <see cref="PolicyCompiler.Compile{TContext}(Definition.PolicyDefinition, SignalSchema{TContext}, KillSwitch?, SamplingKey?)"/>,
/// to <see cref="Review.ReloadablePolicy{TContext}"/>, or set <see cref="DependencyInjection.HitlPolicyOptions.SamplingKey"/>
/// (configuration key <c>SamplingKey</c>, base64). Changing the key changes which requests are sampled.
/// </remarks>
public sealed class SamplingKey
{
    /// <summary>The shortest secret accepted, in bytes (128 bits).</summary>
    public const int MinimumLength = 16;

    private static readonly byte[] Domain = "Hitl.Policy sampling key v1\0"u8.ToArray();

    /// <summary>Derives the key from a secret of at least <see cref="MinimumLength"/> random bytes.</summary>
    /// <param name="secret">The secret.</param>
    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinimumLength"/> bytes.</exception>
    public SamplingKey(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinimumLength)
        {
            throw new ArgumentException($"A sampling key needs a secret of at least {MinimumLength} random bytes; got {secret.Length}.", nameof(secret));
        }

        var input = new byte[Domain.Length + secret.Length];
        Domain.CopyTo(input, 0);
        secret.CopyTo(input.AsSpan(Domain.Length));
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        CryptographicOperations.ZeroMemory(input);
        K0 = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        K1 = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(digest[..16])[..4]);
        CryptographicOperations.ZeroMemory(digest);
    }

    /// <summary>A short, non-secret name of the key (8 hex digits), to tell in logs which key a deployment uses.</summary>
    public string Fingerprint { get; }

    internal ulong K0 { get; }

    internal ulong K1 { get; }

    /// <summary>Reads a key from a base64 secret (as in configuration).</summary>
    /// <param name="base64">The secret, base64-encoded, at least <see cref="MinimumLength"/> bytes once decoded.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The text is not base64, or the secret is too short.</exception>
    public static SamplingKey FromBase64(string base64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(base64);
        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("A sampling key is base64 text (for example 32 random bytes from a secret store); this is not base64.", nameof(base64), ex);
        }

        try
        {
            return new SamplingKey(secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Names the key by its fingerprint, never by its value.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => "SamplingKey " + Fingerprint;
}
