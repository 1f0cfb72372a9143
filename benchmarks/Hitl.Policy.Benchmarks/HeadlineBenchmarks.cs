using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// Does <c>Route()</c> on a medium policy cost about what a hand-written <c>if</c> chain costs? The sample operations
/// policy (4 action types, 33 rules, host fields, sampling on) against the same policy written by hand, over
/// 2,048 varied requests; results are per decision. <c>Route()</c> runs three ways: with the schema's delegate accessors,
/// and with a static reader of the standard signals attached (<see cref="OperationRequest.SignalReader"/>, what the source
/// generator writes), and through the router the policy writes as C# (<see cref="OperationsRouter"/>).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HeadlineBenchmarks
{
    private const int N = OperationsScenario.InputCount;
    private OperationRequest[] _inputs = [];
    private CompiledPolicy<OperationRequest> _policy = null!;
    private CompiledPolicy<OperationRequest> _readerPolicy = null!;
    private CompiledPolicy<OperationRequest> _precompiled = null!;
    private KillSwitch _killSwitch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _killSwitch = new KillSwitch();
        _policy = OperationsScenario.Compile(_killSwitch);
        _inputs = OperationsScenario.Inputs(N);
        _readerPolicy = OperationsScenario.CompileWithReader(_killSwitch);
        Equivalence.Require(_policy, _inputs, _killSwitch);
        Equivalence.Require(_readerPolicy, _inputs, _killSwitch);
        _precompiled = OperationsScenario.CompilePrecompiled(_killSwitch);
        if (!_precompiled.IsPrecompiled)
        {
            throw new InvalidOperationException("OperationsRouter was written for another policy; write it again (see WrittenRouterTests).");
        }

        Equivalence.Require(_precompiled, _inputs, _killSwitch);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "hand-written if chain")]
    public int HandWritten()
    {
        var inputs = _inputs;
        var killSwitch = _killSwitch;
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = HandWrittenOperations.Route(in inputs[i], killSwitch);
            sum += (int)decision.Route + decision.Tier + decision.Approvals;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "CompiledPolicy.Route")]
    public int Route() => Sum(_policy, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "CompiledPolicy.Route (generated reader)")]
    public int RouteReader() => Sum(_readerPolicy, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "CompiledPolicy.Route (written router)")]
    public int RoutePrecompiled() => Sum(_precompiled, _inputs);

    private static int Sum(CompiledPolicy<OperationRequest> policy, OperationRequest[] inputs)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = policy.Route(in inputs[i]);
            sum += (int)decision.Route + decision.RequiredTierRank + decision.RequiredApprovals;
        }

        return sum;
    }
}
