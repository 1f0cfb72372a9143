using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Tests.Benchmarks;

/// <summary>
/// The headline benchmark compares <c>Route()</c> with a hand-written method; the comparison only means something
/// if both decide the same. These tests hold them to it on the benchmark's inputs and on more.
/// </summary>
public class BaselineEquivalenceTests
{
    [Fact]
    public void Hand_written_baseline_decides_like_the_engine_on_the_benchmark_inputs()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsScenario.Compile(killSwitch);

        var differences = Equivalence.Differences(policy, OperationsScenario.Inputs(), killSwitch);

        Assert.Empty(differences);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Hand_written_baseline_decides_like_the_engine_on_other_seeds(int seed)
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsScenario.Compile(killSwitch);

        var differences = Equivalence.Differences(policy, OperationsScenario.Inputs(20_000, seed), killSwitch);

        Assert.Empty(differences);
    }

    [Fact]
    public void Hand_written_baseline_obeys_the_kill_switch_like_the_engine()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsScenario.Compile(killSwitch);
        killSwitch.Engage("refund.issue", "ops-lead", "refund incident");

        var differences = Equivalence.Differences(policy, OperationsScenario.Inputs(4_096, 7), killSwitch);

        Assert.Empty(differences);
    }

    [Fact]
    public void Benchmark_inputs_reach_every_route_and_every_rule_of_the_policy()
    {
        var policy = OperationsScenario.Compile(new KillSwitch());
        var routes = new HashSet<RouteLevel>();
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var deciders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in OperationsScenario.Inputs())
        {
            var decision = policy.Route(in input);
            routes.Add(decision.Route);
            deciders.Add(decision.DecidedBy);
            foreach (var id in decision.FiredRules)
            {
                fired.Add(id);
            }
        }

        Assert.Equal(Enum.GetValues<RouteLevel>().Length, routes.Count);
        var allRules = policy.ActionTypes.SelectMany(policy.RuleIdsFor).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(allRules.Except(fired));
        Assert.Contains(BuiltInRules.InvalidSignal, deciders);
        Assert.Contains(BuiltInRules.UnknownActionType, deciders);
        Assert.Contains(BuiltInRules.AuditSample, deciders);
    }

    [Fact]
    public void A_wrong_baseline_is_caught()
    {
        var killSwitch = new KillSwitch();
        var stricter = OperationsScenario.Definition();
        stricter.Actions!["email.send"].Rules![1].Then!.Route = RouteLevel.Escalate;
        var policy = PolicyCompiler.Compile(stricter, OperationsScenario.Schema(), killSwitch);

        var differences = Equivalence.Differences(policy, OperationsScenario.Inputs(), killSwitch);

        Assert.NotEmpty(differences);
    }
}
