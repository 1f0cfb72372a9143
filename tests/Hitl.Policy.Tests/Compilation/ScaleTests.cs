using Hitl.Policy.Definition;
using Hitl.Policy.Evaluation;

namespace Hitl.Policy.Tests.Compilation;

/// <summary>
/// Issue 10 item 7: a large policy must not stall a build or a reload, and a large set must not slow <c>Route()</c>.
/// The fold's work is counted exactly (rule evaluations, not time); the speed itself is measured by
/// <c>DenialOfServiceBenchmarks</c> (benchmarks/README.md).
/// </summary>
public class ScaleTests
{
    [Fact]
    public void Sixty_four_thousand_rules_on_one_signal_fold_in_near_linear_time_and_decide_as_written()
    {
        const int Rules = 64_000;
        var builder = new PolicyBuilder("scale", "1").Tiers("agent", "senior", "director").Action("pay", a =>
        {
            for (var i = 0; i < Rules; i++)
            {
                a.ImpactTier("amount." + i, 10.0 * (i + 1), i < Rules / 2 ? RouteLevel.Review : RouteLevel.Escalate, i == Rules - 1 ? "director" : "agent");
            }
        });
        var definition = builder.Build();

        var before = FoldingWork.Evaluations;
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var work = FoldingWork.Evaluations - before;

        // Each impact tier has one cut point, so two pieces: 128,000 evaluations. Evaluating every rule at every segment
        // (the quadratic fold that took 318 s) would be 64,000 x 64,001.
        Assert.Equal(2L * Rules, work);
        Signals At(double amount) => new() { ActionType = "pay", Amount = amount, Reversibility = Reversibility.Reversible };
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(At(9.99)).Route);
        var first = policy.Route(At(10));
        Assert.Equal((RouteLevel.Review, "amount.0"), (first.Route, first.DecidedBy));
        var middle = policy.Route(At(10.0 * ((Rules / 2) + 1)));
        Assert.Equal((RouteLevel.Escalate, "amount." + (Rules / 2)), (middle.Route, middle.DecidedBy));
        var top = policy.Route(At(10.0 * Rules));
        Assert.Equal((RouteLevel.Escalate, "director"), (top.Route, top.RequiredTier));
        Assert.Equal(RouteLevel.Escalate, policy.Route(At(double.MaxValue)).Route);
    }

    [Fact]
    public void A_million_value_numeric_set_is_searched_not_scanned_and_allocates_nothing()
    {
        const int Values = 1_000_000;
        var set = new ScalarValue[Values];
        for (var i = 0; i < Values; i++)
        {
            // Listed from the top down, so that sorting is needed and a scan from the start would be slowest for small values.
            set[i] = ScalarValue.FromNumber((Values - 1 - i) * 2.0);
        }

        var definition = new PolicyBuilder("set", "1").NumberField("account.id")
            .Action("pay", a => a.Rule("listed", Conditions.Field("account.id").In(set), RouteLevel.Block))
            .Build();
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var member = Input(0);
        var other = Input(1);
        var last = Input((Values - 1) * 2.0);
        Assert.Equal(RouteLevel.Block, policy.Route(member).Route);
        Assert.Equal(RouteLevel.Block, policy.Route(last).Route);
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(other).Route);
        Assert.Equal(RouteLevel.Block, policy.Route(Input(-0.0)).Route);
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(Input(Values * 2.0)).Route);

        const int Calls = 20_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var blocked = 0;
        for (var i = 0; i < Calls; i++)
        {
            blocked += policy.Route((i & 1) == 0 ? member : other).Route == RouteLevel.Block ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(Calls / 2, blocked);

        static Signals Input(double id)
        {
            var signals = new Signals { ActionType = "pay", Reversibility = Reversibility.Reversible };
            signals.Numbers["account.id"] = id;
            return signals;
        }
    }
}
