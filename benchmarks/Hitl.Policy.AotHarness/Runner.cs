using System.Diagnostics;
using System.Runtime;

namespace Hitl.Policy.AotHarness;

/// <summary>What to run and how long.</summary>
/// <param name="Samples">Samples per measurement.</param>
/// <param name="SampleTarget">The time one sample aims at.</param>
/// <param name="Warmup">The warm-up before a measurement's samples.</param>
/// <param name="Quick">Whether this is the fast run (<c>--quick</c>).</param>
/// <param name="Help">Whether only the usage was asked for.</param>
internal sealed record HarnessOptions(int Samples, TimeSpan SampleTarget, TimeSpan Warmup, bool Quick, bool Help)
{
    public const string Usage = """
        usage: Hitl.Policy.AotHarness [--quick]
          (default)  15 samples of about 100 ms per measurement after at least 200 ms of warm-up
          --quick    3 samples of about 20 ms after at least 50 ms of warm-up: proves the harness works, not for quoting
        Under the JIT the warm-up goes on until the JIT has compiled nothing for 150 ms (or half the warm-up, if longer).
        """;

    public static HarnessOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HarnessOptions(15, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), Quick: false, Help: false);
        foreach (var arg in args)
        {
            options = arg switch
            {
                "--quick" => options with { Samples = 3, SampleTarget = TimeSpan.FromMilliseconds(20), Warmup = TimeSpan.FromMilliseconds(50), Quick = true },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"unknown argument '{arg}'"),
            };
        }

        return options;
    }
}

/// <summary>One timed thing: a pass over a scenario's inputs, returning a sum of what it decided.</summary>
/// <param name="Group">The comparison it belongs to (one baseline per group).</param>
/// <param name="Name">What it measures.</param>
/// <param name="Baseline">Whether the group's ratios are to it.</param>
/// <param name="DecisionsPerPass">How many decisions one pass makes.</param>
/// <param name="Pass">One pass.</param>
internal sealed record Measurement(string Group, string Name, bool Baseline, int DecisionsPerPass, Func<int> Pass);

/// <summary>A measurement's outcome.</summary>
/// <param name="Measurement">What was measured.</param>
/// <param name="MedianNs">The median of the samples, ns per decision.</param>
/// <param name="MinNs">The fastest sample.</param>
/// <param name="MaxNs">The slowest sample.</param>
/// <param name="AllocatedBytes">Bytes allocated on this thread over all samples.</param>
/// <param name="PassesPerSample">Passes per sample.</param>
internal sealed record Result(Measurement Measurement, double MedianNs, double MinNs, double MaxNs, long AllocatedBytes, long PassesPerSample);

/// <summary>The timing loop.</summary>
internal static class Runner
{
    /// <summary>The sum of every pass's results; printed at the end so that no pass is dead code.</summary>
    public static long Sink { get; private set; }

    public static Result Measure(Measurement measurement, HarnessOptions options)
    {
        var pass = measurement.Pass;
        long sink = 0;

        // Warm-up: caches and branch predictors settle (both modes), and under the JIT tiered compilation reaches its
        // last tier: at least the warm-up time, then until a whole window passes without the JIT compiling a method
        // (on any thread: tier-1 compiles in the background), at most 10 warm-ups or 2 s. The window is longer than the
        // JIT's tiering delay (100 ms without new tier-0 code before it promotes anything), which would otherwise pass
        // for settled. Native AOT compiles nothing, so it stops after the minimum.
        var minimumTicks = Ticks(options.Warmup);
        var windowTicks = Math.Max(minimumTicks / 2, Ticks(TimeSpan.FromMilliseconds(150)));
        var maximumTicks = Math.Max(10 * minimumTicks, Ticks(TimeSpan.FromSeconds(2)));
        var start = Stopwatch.GetTimestamp();
        var windowStart = start;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (true)
        {
            sink += pass();
            var now = Stopwatch.GetTimestamp();
            if (now - windowStart < windowTicks)
            {
                continue;
            }

            var compiledNow = JitInfo.GetCompiledMethodCount();
            var settled = compiledNow == compiled;
            if ((now - start >= minimumTicks && settled) || now - start >= maximumTicks)
            {
                break;
            }

            compiled = compiledNow;
            windowStart = now;
        }

        // Calibration: how many whole passes make one sample of about the target time.
        var calibrationTicks = Math.Max(1, Ticks(options.SampleTarget) / 4);
        long calibrationPasses = 0;
        start = Stopwatch.GetTimestamp();
        long elapsed;
        do
        {
            sink += pass();
            calibrationPasses++;
            elapsed = Stopwatch.GetTimestamp() - start;
        }
        while (elapsed < calibrationTicks);

        var ticksPerPass = (double)elapsed / calibrationPasses;
        var passesPerSample = Math.Max(1, (long)Math.Round(Ticks(options.SampleTarget) / ticksPerPass));

        var samples = new double[options.Samples];
        var decisionsPerSample = (double)passesPerSample * measurement.DecisionsPerPass;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var s = 0; s < samples.Length; s++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (long p = 0; p < passesPerSample; p++)
            {
                sink += pass();
            }

            var t1 = Stopwatch.GetTimestamp();
            samples[s] = (t1 - t0) * (1e9 / Stopwatch.Frequency) / decisionsPerSample;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Sink += sink;
        Array.Sort(samples);
        var median = samples.Length % 2 == 1
            ? samples[samples.Length / 2]
            : (samples[(samples.Length / 2) - 1] + samples[samples.Length / 2]) / 2;
        return new Result(measurement, median, samples[0], samples[^1], allocated, passesPerSample);
    }

    private static long Ticks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);
}
