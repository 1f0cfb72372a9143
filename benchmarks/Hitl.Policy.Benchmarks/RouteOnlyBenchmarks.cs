using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// Where the headline pays for host fields, sampling and a full decision, this class asks what <c>Route()</c> costs
/// when there is nothing but standard signals: a 12-rule policy against a hand-written <c>if</c> chain that returns
/// only the route, with the signals read through a static reader (what the source generator will write) and through
/// delegate accessors. Over 2,048 varied requests; results are per decision.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class RouteOnlyBenchmarks
{
    private const int N = RouteOnlyScenario.InputCount;
    private RouteOnlyRequest[] _inputs = [];
    private CompiledPolicy<RouteOnlyRequest> _delegates = null!;
    private CompiledPolicy<RouteOnlyRequest> _reader = null!;
    private CompiledPolicy<RouteOnlyRequest> _precompiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        _inputs = RouteOnlyScenario.Inputs(N);
        _delegates = RouteOnlyScenario.Compile();
        _reader = RouteOnlyScenario.CompileWithReader();
        RouteOnlyScenario.Require(_delegates, _inputs, "delegate accessors");
        RouteOnlyScenario.Require(_reader, _inputs, "generated reader");
        _precompiled = RouteOnlyScenario.CompilePrecompiled();
        if (!_precompiled.IsPrecompiled)
        {
            throw new InvalidOperationException("RouteOnlyRouter was written for another policy; write it again (see WrittenRouterTests).");
        }

        RouteOnlyScenario.Require(_precompiled, _inputs, "written router");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "if chain (route only)")]
    public int IfChain()
    {
        var inputs = _inputs;
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            sum += (int)RouteOnlyHandWritten.Route(in inputs[i]);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Route() written router")]
    public int RoutePrecompiled() => Sum(_precompiled, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "Route() generated reader")]
    public int RouteReader() => Sum(_reader, _inputs);

    [Benchmark(OperationsPerInvoke = N, Description = "Route() delegate accessors")]
    public int RouteDelegates() => Sum(_delegates, _inputs);

    private static int Sum(CompiledPolicy<RouteOnlyRequest> policy, RouteOnlyRequest[] inputs)
    {
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = policy.Route(in inputs[i]);
            sum += (int)decision.Route;
        }

        return sum;
    }
}
