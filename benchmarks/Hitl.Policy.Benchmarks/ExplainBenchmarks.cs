using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What does <c>Explain()</c> cost, off the hot path? Per request of the operations policy: <c>Route()</c> (baseline),
/// <c>Explain()</c> (the full trace of every rule, its inputs and result; it allocates), and the trace as text.
/// </summary>
[MemoryDiagnoser]
public class ExplainBenchmarks
{
    private const int N = 256;
    private OperationRequest[] _inputs = [];
    private CompiledPolicy<OperationRequest> _policy = null!;

    [GlobalSetup]
    public void Setup()
    {
        _policy = OperationsScenario.Compile(new KillSwitch());
        _inputs = OperationsScenario.Inputs(N);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "Route")]
    public int Route()
    {
        var sum = 0;
        foreach (ref readonly var input in _inputs.AsSpan())
        {
            sum += (int)_policy.Route(in input).Route;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Explain")]
    public int Explain()
    {
        var sum = 0;
        foreach (ref readonly var input in _inputs.AsSpan())
        {
            sum += _policy.Explain(in input).Rules.Count;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Explain + ToString")]
    public int ExplainText()
    {
        var sum = 0;
        foreach (ref readonly var input in _inputs.AsSpan())
        {
            sum += _policy.Explain(in input).ToString().Length;
        }

        return sum;
    }
}
