using System.Numerics;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// Deterministic sampling by request id: a 64-bit hash of the id's UTF-16 code units (independent of the machine's
/// byte order and of <see cref="string.GetHashCode()"/>, which differs per process), salted per action type.
/// Without a <see cref="SamplingKey"/> the hash is public, so a submitter who chooses request ids can choose ones that
/// are never sampled; with a key it is SipHash-2-4 under that key, which nobody without the key can predict.
/// </summary>
internal static class RequestSampler
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    public static ulong Threshold(double rate) =>
        rate >= 1 ? ulong.MaxValue : (ulong)(rate * 18446744073709551616.0);

    public static bool IsSampled(string? requestId, ulong salt, ulong threshold) =>
        requestId is null || threshold == ulong.MaxValue || Hash(requestId, salt) < threshold;

    public static bool IsSampled(string? requestId, ulong salt, ulong threshold, SamplingKey? key) =>
        key is null
            ? IsSampled(requestId, salt, threshold)
            : requestId is null || threshold == ulong.MaxValue || KeyedHash(key.K0, key.K1, salt, requestId) < threshold;

    /// <summary>
    /// SipHash-2-4 under the key (<paramref name="k0"/>, <paramref name="k1"/>) of the bytes: the salt (8 bytes, little
    /// endian), then the text's UTF-16 code units (2 bytes each, little endian). Allocation-free.
    /// </summary>
    public static ulong KeyedHash(ulong k0, ulong k1, ulong salt, string text)
    {
        ulong v0 = k0 ^ 0x736f6d6570736575UL, v1 = k1 ^ 0x646f72616e646f6dUL, v2 = k0 ^ 0x6c7967656e657261UL, v3 = k1 ^ 0x7465646279746573UL;
        Compress(ref v0, ref v1, ref v2, ref v3, salt);
        var span = text.AsSpan();
        var i = 0;
        for (; i + 4 <= span.Length; i += 4)
        {
            Compress(ref v0, ref v1, ref v2, ref v3, span[i] | ((ulong)span[i + 1] << 16) | ((ulong)span[i + 2] << 32) | ((ulong)span[i + 3] << 48));
        }

        var last = (ulong)((8 + (2 * span.Length)) & 0xFF) << 56;
        for (var shift = 0; i < span.Length; i++, shift += 16)
        {
            last |= (ulong)span[i] << shift;
        }

        Compress(ref v0, ref v1, ref v2, ref v3, last);
        v2 ^= 0xFF;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static void Compress(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ulong m)
    {
        v3 ^= m;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m;
    }

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }

    public static ulong Hash(string text, ulong salt)
    {
        var h = salt ^ ((ulong)text.Length * Prime1);
        var span = text.AsSpan();
        var i = 0;
        for (; i + 4 <= span.Length; i += 4)
        {
            var block = span[i] | ((ulong)span[i + 1] << 16) | ((ulong)span[i + 2] << 32) | ((ulong)span[i + 3] << 48);
            h = BitOperations.RotateLeft(h ^ (block * Prime2), 31) * Prime1;
        }

        ulong tail = 0;
        for (var shift = 0; i < span.Length; i++, shift += 16)
        {
            tail |= (ulong)span[i] << shift;
        }

        h = BitOperations.RotateLeft(h ^ (tail * Prime2), 27) * Prime1;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }
}
