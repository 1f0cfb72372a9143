using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// Does the action-type lookup stay O(1)? Policies with 1, 10 and 1,000 action types of five business rules each.
/// The baseline sends every request to one action type; the other spreads requests uniformly over all of them
/// (action strings are fresh copies, as a host that deserialises requests holds them).
/// </summary>
[MemoryDiagnoser]
public class ActionTypeCountBenchmarks
{
    private const int N = SyntheticPolicies.InputCount;
    private SyntheticRequest[] _oneType = [];
    private SyntheticRequest[] _allTypes = [];
    private CompiledPolicy<SyntheticRequest> _policy = null!;

    [Params(1, 10, 1000)]
    public int ActionTypes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(SyntheticPolicies.Seed);
        var builder = SyntheticPolicies.Skeleton("types");
        var names = new string[ActionTypes];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = SyntheticPolicies.ActionName(i);
            var prefix = names[i];
            builder.Action(prefix, a => SyntheticPolicies.ThresholdRules(a, prefix, 5, random));
        }

        _policy = builder.Compile(SyntheticPolicies.Schema());
        _oneType = SyntheticPolicies.Inputs([names[0]]);
        _allTypes = SyntheticPolicies.Inputs(names);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "one action type")]
    public int OneActionType() => SyntheticPolicies.RouteAll(_policy, _oneType);

    [Benchmark(OperationsPerInvoke = N, Description = "spread over all types")]
    public int AllActionTypes() => SyntheticPolicies.RouteAll(_policy, _allTypes);
}
