using FsCheck;
using FsCheck.Fluent;

namespace Hitl.Policy.Tests.Support;

internal static class GenExtensions
{
    /// <summary>Draws values from a generator with a fixed seed, for example tests that need a fixed stream of inputs.</summary>
    public static IReadOnlyList<T> Sample<T>(this Gen<T> gen, int count, int seed) =>
        gen.Sample(count, new Rnd((ulong)seed, 0x9E3779B97F4A7C15UL), 50);
}
