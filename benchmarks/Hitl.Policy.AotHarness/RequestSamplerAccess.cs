using System.Runtime.CompilerServices;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// The library's internal request hash, for the shared hand-written baseline (<c>HandWrittenOperations</c>), which must
/// sample exactly the requests the engine samples. The benchmark and test projects see <c>RequestSampler</c> through
/// InternalsVisibleTo; this harness reaches the same methods with <see cref="UnsafeAccessorAttribute"/> (resolved at
/// compile time by Native AOT, no reflection), so that it calls the library's code and not a copy of it.
/// </summary>
internal static class RequestSampler
{
    private const string Target = "Hitl.Policy.Evaluation.RequestSampler, Hitl.Policy";

    public static ulong Threshold(double rate) => ThresholdOf(null, rate);

    public static bool IsSampled(string? requestId, ulong salt, ulong threshold) => IsSampledOf(null, requestId, salt, threshold);

    public static ulong Hash(string text, ulong salt) => HashOf(null, text, salt);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Threshold")]
    private static extern ulong ThresholdOf([UnsafeAccessorType(Target)] object? sampler, double rate);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "IsSampled")]
    private static extern bool IsSampledOf([UnsafeAccessorType(Target)] object? sampler, string? requestId, ulong salt, ulong threshold);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Hash")]
    private static extern ulong HashOf([UnsafeAccessorType(Target)] object? sampler, string text, ulong salt);
}
