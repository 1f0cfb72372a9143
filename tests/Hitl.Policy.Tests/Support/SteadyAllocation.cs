namespace Hitl.Policy.Tests.Support;

/// <summary>
/// Bytes a loop allocates on this thread once it is warm. The loop runs once to warm up (first calls, tiering), then is
/// measured up to three times; the fewest bytes of those runs are returned. A loop that allocates on any call allocates
/// in every run (thousands of calls, at least 24 bytes each), so it can never read 0; what this tolerates is a one-off
/// allocation by the runtime itself during one run (seen when other tests keep the JIT's background queue busy).
/// </summary>
internal static class SteadyAllocation
{
    public static long Of(Action loop)
    {
        loop();
        var fewest = long.MaxValue;
        for (var run = 0; run < 3 && fewest != 0; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            loop();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
