using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// Can a large policy stall a build or a reload? Compiling 1,000, 16,000 and 64,000 impact tiers that all compare the
/// one amount signal, so that all of them fold into one lookup table (issue 10: 16k took 4.8 s and 64k 318 s while
/// the folding was quadratic). Baseline: writing the same definition with <see cref="PolicyBuilder"/>.
/// </summary>
[MemoryDiagnoser]
public class FoldingBuildBenchmarks
{
    private PolicyDefinition _definition = null!;
    private SignalSchema<SyntheticRequest> _schema = null!;

    [Params(1_000, 16_000, 64_000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _schema = SyntheticPolicies.Schema();
        _definition = Define(Rules).Build();
        var policy = PolicyCompiler.Compile(_definition, _schema);
        if (policy.RuleIdsFor("action.0000").Count < Rules)
        {
            throw new InvalidOperationException("the policy lost rules");
        }
    }

    [Benchmark(Baseline = true, Description = "PolicyBuilder (definition only)")]
    public PolicyDefinition Define() => Define(Rules).Build();

    [Benchmark(Description = "PolicyCompiler.Compile, all rules on one signal")]
    public CompiledPolicy<SyntheticRequest> Compile() => PolicyCompiler.Compile(_definition, _schema);

    /// <summary>Impact tiers at amounts 10, 20, 30, ... (all distinct, so every rule adds a cut point).</summary>
    public static PolicyBuilder Define(int rules) =>
        SyntheticPolicies.Skeleton("folding").Action(SyntheticPolicies.ActionName(0), a =>
        {
            for (var i = 0; i < rules; i++)
            {
                a.ImpactTier(SyntheticPolicies.RuleId("amount", i), 10.0 * (i + 1), RouteLevel.Review, (i % 3) switch { 0 => "agent", 1 => "senior", _ => "director" });
            }
        });
}

/// <summary>
/// Does a huge numeric <c>in</c> set slow <c>Route()</c> down? A rule with an 8-value set (baseline) against the same
/// rule with 1,000,000 values (issue 10: 1.7 ms per call while membership was a linear scan).
/// </summary>
[MemoryDiagnoser]
public class NumericSetBenchmarks
{
    private CompiledPolicy<SyntheticRequest> _small = null!;
    private CompiledPolicy<SyntheticRequest> _large = null!;
    private SyntheticRequest[] _inputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        var schema = SyntheticPolicies.Schema();
        _small = PolicyCompiler.Compile(Define(8).Build(), schema);
        _large = PolicyCompiler.Compile(Define(1_000_000).Build(), schema);
        var random = new Random(SyntheticPolicies.Seed);
        _inputs = new SyntheticRequest[SyntheticPolicies.InputCount];
        for (var i = 0; i < _inputs.Length; i++)
        {
            // f0 on a grid of 1/1,000,000 so that about half the inputs are members of the large set.
            _inputs[i] = SyntheticPolicies.Uniform(random, SyntheticPolicies.ActionName(0), i) with { F0 = random.Next(0, 2_000_000) / 2_000_000.0 };
        }

        if (SyntheticPolicies.RouteAll(_small, _inputs) == SyntheticPolicies.RouteAll(_large, _inputs))
        {
            throw new InvalidOperationException("the large set should change some decisions");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = SyntheticPolicies.InputCount, Description = "Route(), 8-value numeric set")]
    public int Small() => SyntheticPolicies.RouteAll(_small, _inputs);

    [Benchmark(OperationsPerInvoke = SyntheticPolicies.InputCount, Description = "Route(), 1,000,000-value numeric set")]
    public int Large() => SyntheticPolicies.RouteAll(_large, _inputs);

    /// <summary>One rule: f0 in {0, 1/1e6, 2/1e6, ...} (the first <paramref name="values"/> of them) routes to review.</summary>
    public static PolicyBuilder Define(int values)
    {
        var set = new ScalarValue[values];
        for (var i = 0; i < values; i++)
        {
            set[i] = ScalarValue.FromNumber(i / 1_000_000.0);
        }

        return SyntheticPolicies.Skeleton("numeric-set").Action(SyntheticPolicies.ActionName(0), a =>
            a.Rule("f0.listed", Conditions.Field(SyntheticPolicies.Field(0)).In(set), RouteLevel.Review));
    }
}
