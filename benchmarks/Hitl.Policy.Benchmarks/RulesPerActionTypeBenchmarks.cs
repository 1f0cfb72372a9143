using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// How does <c>Route()</c> grow with the number of business rules of one action type? Each rule compares a host field
/// with a threshold (about 5% apply to an input). The baseline is the same action type with no business rules.
/// </summary>
[MemoryDiagnoser]
public class RulesPerActionTypeBenchmarks
{
    private const int N = SyntheticPolicies.InputCount;
    private SyntheticRequest[] _inputs = [];
    private CompiledPolicy<SyntheticRequest> _empty = null!;
    private CompiledPolicy<SyntheticRequest> _policy = null!;

    [Params(1, 10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(SyntheticPolicies.Seed);
        var schema = SyntheticPolicies.Schema();
        _empty = SyntheticPolicies.Skeleton("empty").Action("op").Compile(schema);
        _policy = SyntheticPolicies.Skeleton("sweep").Action("op", a => SyntheticPolicies.ThresholdRules(a, "op", Rules, random)).Compile(schema);
        _inputs = SyntheticPolicies.Inputs(["op"]);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "no business rules")]
    public int NoRules() => SyntheticPolicies.RouteAll(_empty, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "with business rules")]
    public int WithRules() => SyntheticPolicies.RouteAll(_policy, _inputs);
}
