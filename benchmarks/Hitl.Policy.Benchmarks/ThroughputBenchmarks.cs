using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// Does <c>Route()</c> scale over cores against one shared policy? The same work (the operations requests, 64 rounds)
/// on one thread (baseline) and split over <see cref="Environment.ProcessorCount"/> threads that share the compiled
/// policy and the kill switch. Nothing on the hot path locks or writes shared memory; each thread keeps its own sum
/// and publishes it once at the end. Results are per decision, so a 2-core machine that scales shows about half.
/// </summary>
[MemoryDiagnoser]
public class ThroughputBenchmarks
{
    private const int Rounds = 64;
    private const int N = OperationsScenario.InputCount * Rounds;
    private OperationRequest[] _inputs = [];
    private CompiledPolicy<OperationRequest> _policy = null!;
    private long[] _sums = [];

    [GlobalSetup]
    public void Setup()
    {
        _policy = OperationsScenario.Compile(new KillSwitch());
        _inputs = OperationsScenario.Inputs();
        _sums = new long[Environment.ProcessorCount * 16];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "1 thread")]
    public long OneThread() => Work(0, Rounds);

    [Benchmark(OperationsPerInvoke = N, Description = "all cores")]
    public long AllCores()
    {
        var threads = Environment.ProcessorCount;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var rounds = (Rounds / threads) + (t < Rounds % threads ? 1 : 0);
            // One slot per thread, 128 bytes apart, written once: no false sharing.
            _sums[t * 16] = Work(t, rounds);
        });

        var total = 0L;
        for (var t = 0; t < threads; t++)
        {
            total += _sums[t * 16];
        }

        return total;
    }

    private long Work(int thread, int rounds)
    {
        var inputs = _inputs;
        var policy = _policy;
        var sum = 0L;
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var decision = policy.Route(in inputs[i]);
                sum += (int)decision.Route + decision.RequiredTierRank + thread;
            }
        }

        return sum;
    }
}
