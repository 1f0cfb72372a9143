using System.Numerics;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// Deterministic sampling by request id: a 64-bit hash of the id's UTF-16 code units (independent of the machine's
/// byte order and of <see cref="string.GetHashCode()"/>, which differs per process), salted per action type.
/// </summary>
internal static class RequestSampler
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    public static ulong Threshold(double rate) =>
        rate >= 1 ? ulong.MaxValue : (ulong)(rate * 18446744073709551616.0);

    public static bool IsSampled(string? requestId, ulong salt, ulong threshold) =>
        requestId is null || threshold == ulong.MaxValue || Hash(requestId, salt) < threshold;

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
