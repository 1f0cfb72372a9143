using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What does nesting cost in a business rule? A rule of depth d alternates all/any around d + 1 comparisons on host
/// fields (<c>all(c0, any(c1, all(c2, ...)))</c>); the baseline holds the same comparisons in one flat <c>all</c>.
/// </summary>
[MemoryDiagnoser]
public class NestingDepthBenchmarks
{
    private const int N = SyntheticPolicies.InputCount;
    private SyntheticRequest[] _inputs = [];
    private CompiledPolicy<SyntheticRequest> _flat = null!;
    private CompiledPolicy<SyntheticRequest> _nested = null!;

    [Params(1, 4, 16)]
    public int Depth { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var schema = SyntheticPolicies.Schema();
        var leaves = Enumerable.Range(0, Depth + 1)
            .Select(i => Conditions.Field(SyntheticPolicies.Field(i % SyntheticPolicies.FieldCount)).AtLeast(0.2))
            .ToArray();
        var nested = leaves[^1];
        for (var i = leaves.Length - 2; i >= 0; i--)
        {
            nested = i % 2 == 0 ? Conditions.All(leaves[i], nested) : Conditions.Any(leaves[i], nested);
        }

        _flat = SyntheticPolicies.Skeleton("flat").Action("op", a => a.Rule("op.rule", Conditions.All(leaves), RouteLevel.Review)).Compile(schema);
        _nested = SyntheticPolicies.Skeleton("nested").Action("op", a => a.Rule("op.rule", nested, RouteLevel.Review)).Compile(schema);
        _inputs = SyntheticPolicies.Inputs(["op"]);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "flat all()")]
    public int Flat() => SyntheticPolicies.RouteAll(_flat, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "nested all/any")]
    public int Nested() => SyntheticPolicies.RouteAll(_nested, _inputs);
}
