using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What does building a policy cost, and a hot reload? For 10, 100 and 1,000 rules (spread over action types of at most
/// 100 rules, mixing confidence bands, impact tiers and business rules): writing the definition with the
/// <see cref="PolicyBuilder"/> (baseline), compiling it, both, and a reload: compile and swap the reference that
/// callers route with (a <see cref="Volatile.Write{T}(ref T, T)"/>; readers never see half a policy).
/// </summary>
[MemoryDiagnoser]
public class BuildBenchmarks
{
    private PolicyDefinition _definition = null!;
    private SignalSchema<SyntheticRequest> _schema = null!;
    private KillSwitch _killSwitch = null!;
    private CompiledPolicy<SyntheticRequest>? _active;

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _schema = SyntheticPolicies.Schema();
        _killSwitch = new KillSwitch();
        _definition = Define(Rules).Build();
        _active = PolicyCompiler.Compile(_definition, _schema, _killSwitch);
    }

    [Benchmark(Baseline = true, Description = "PolicyBuilder (definition only)")]
    public PolicyDefinition Define() => Define(Rules).Build();

    [Benchmark(Description = "PolicyCompiler.Compile")]
    public CompiledPolicy<SyntheticRequest> Compile() => PolicyCompiler.Compile(_definition, _schema, _killSwitch);

    [Benchmark(Description = "build + compile")]
    public CompiledPolicy<SyntheticRequest> BuildAndCompile() => Define(Rules).Compile(_schema, _killSwitch);

    [Benchmark(Description = "hot reload: compile + swap")]
    public CompiledPolicy<SyntheticRequest>? Reload()
    {
        var next = PolicyCompiler.Compile(_definition, _schema, _killSwitch);
        Volatile.Write(ref _active, next);
        return Volatile.Read(ref _active);
    }

    private static PolicyBuilder Define(int rules)
    {
        var random = new Random(SyntheticPolicies.Seed);
        var builder = SyntheticPolicies.Skeleton("build");
        const int PerAction = 100;
        for (var start = 0; start < rules; start += PerAction)
        {
            var count = Math.Min(PerAction, rules - start);
            var name = SyntheticPolicies.ActionName(start / PerAction);
            builder.Action(name, a =>
            {
                var impact = Math.Min(2, count);
                for (var i = 0; i < impact; i++)
                {
                    a.ImpactTier(name + ".impact." + i, 1_000 * (i + 1), RouteLevel.Review, i == 0 ? "agent" : "senior");
                }

                SyntheticPolicies.ThresholdRules(a, name, count - impact, random);
            });
        }

        return builder;
    }
}
