using BenchmarkDotNet.Attributes;
using Hitl.Policy.Benchmarks.Synthetic;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What does a rule that applies cost over one that does not? 64 business rules on host fields; a "hot" input
/// makes all 64 apply, a "cold" one none. The baseline routes only cold inputs; the other a mix with the given
/// share of hot inputs. (Mixed - baseline) / (share x 64) is the cost per additional applying rule.
/// </summary>
[MemoryDiagnoser]
public class FiringShareBenchmarks
{
    private const int N = SyntheticPolicies.InputCount;
    private const int RuleCount = 64;
    private SyntheticRequest[] _cold = [];
    private SyntheticRequest[] _mixed = [];
    private CompiledPolicy<SyntheticRequest> _policy = null!;

    [Params(0.0, 0.1, 0.5, 1.0)]
    public double HotShare { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = SyntheticPolicies.Skeleton("share").Action("op", a =>
        {
            for (var i = 0; i < RuleCount; i++)
            {
                a.Rule(SyntheticPolicies.RuleId("op", i), Definition.Conditions.Field(SyntheticPolicies.Field(i % SyntheticPolicies.FieldCount)).AtLeast(0.5 + (i * 0.005)),
                    (i % 3) switch { 0 => RouteLevel.Review, 1 => RouteLevel.AutoExecuteWithNotice, _ => RouteLevel.Escalate });
            }
        });
        _policy = builder.Compile(SyntheticPolicies.Schema());
        var random = new Random(SyntheticPolicies.Seed);
        _cold = new SyntheticRequest[N];
        _mixed = new SyntheticRequest[N];
        for (var i = 0; i < N; i++)
        {
            var value = 0.5 * random.NextDouble();
            _cold[i] = Request(i, value);
            _mixed[i] = random.NextDouble() < HotShare ? Request(i, 0.9 + (0.1 * random.NextDouble())) : Request(i, value);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "no rule applies")]
    public int Cold() => SyntheticPolicies.RouteAll(_policy, _cold);

    [Benchmark(OperationsPerInvoke = N, Description = "share of inputs where all 64 apply")]
    public int Mixed() => SyntheticPolicies.RouteAll(_policy, _mixed);

    private static SyntheticRequest Request(int index, double value) => new()
    {
        Action = "op",
        RequestId = "req-" + index.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
        Confidence = 0.95,
        F0 = value, F1 = value, F2 = value, F3 = value, F4 = value, F5 = value, F6 = value, F7 = value,
    };
}
