using Hitl.Policy.Benchmarks.Scenarios;

namespace Hitl.Policy.Tests.Benchmarks;

/// <summary>
/// The route-only benchmark compares <c>Route()</c> (through a static reader and through delegate accessors) with a
/// hand-written <c>if</c> chain that returns only the route; the comparison means something only if they route alike.
/// </summary>
public class RouteOnlyEquivalenceTests
{
    public static TheoryData<string> Schemas => ["delegate accessors", "generated reader"];

    [Theory]
    [MemberData(nameof(Schemas))]
    public void If_chain_routes_like_the_engine_on_the_benchmark_inputs(string schema)
    {
        var policy = Compile(schema);

        Assert.Empty(RouteOnlyScenario.Differences(policy, RouteOnlyScenario.Inputs()));
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void If_chain_routes_like_the_engine_on_64000_inputs_from_other_seeds(string schema)
    {
        var policy = Compile(schema);
        var checkedInputs = 0;
        foreach (var seed in new[] { 1, 2, 3, 4 })
        {
            var inputs = RouteOnlyScenario.Inputs(16_000, seed);
            Assert.Empty(RouteOnlyScenario.Differences(policy, inputs));
            checkedInputs += inputs.Length;
        }

        Assert.Equal(64_000, checkedInputs);
    }

    [Fact]
    public void The_policy_has_12_rules_per_action_type_and_no_sampling_or_host_fields()
    {
        var definition = RouteOnlyScenario.Definition();
        var policy = RouteOnlyScenario.Compile();

        Assert.Equal(RouteOnlyScenario.ActionTypes.Order(StringComparer.Ordinal), policy.ActionTypes.Order(StringComparer.Ordinal));
        foreach (var action in policy.ActionTypes)
        {
            Assert.Equal(RouteOnlyScenario.RuleCount, policy.RuleIdsFor(action).Count);
        }

        Assert.Null(definition.Fields);
        Assert.Null(definition.Defaults!.Sampling);
        Assert.All(definition.Actions!.Values, a => Assert.Null(a.Sampling));
    }

    [Fact]
    public void Benchmark_inputs_reach_every_route_and_every_rule()
    {
        var policy = RouteOnlyScenario.Compile();
        var routes = new HashSet<RouteLevel>();
        var fired = new HashSet<string>(StringComparer.Ordinal);
        var deciders = new HashSet<string>(StringComparer.Ordinal);
        var unknown = 0;
        var invalid = 0;
        var inputs = RouteOnlyScenario.Inputs();
        foreach (var input in inputs)
        {
            var decision = policy.Route(in input);
            routes.Add(decision.Route);
            deciders.Add(decision.DecidedBy);
            unknown += decision.Flags.HasFlag(DecisionFlags.UnknownActionType) ? 1 : 0;
            invalid += decision.Flags.HasFlag(DecisionFlags.InvalidSignal) ? 1 : 0;
            foreach (var id in decision.FiredRules)
            {
                fired.Add(id);
            }
        }

        Assert.Equal(Enum.GetValues<RouteLevel>().Length, routes.Count);
        foreach (var action in policy.ActionTypes)
        {
            Assert.Empty(policy.RuleIdsFor(action).Except(fired));
        }

        // An invalid signal reads as its riskiest value, which fires a rule of review or more here (confidence 0, risk 1,
        // evidence 0, the largest amount), so the invalid-signal route never decides alone; the flag shows it was read.
        Assert.Contains(BuiltInRules.UnknownActionType, deciders);
        Assert.Contains(BuiltInRules.IrreversibleNeedsPerson, deciders);
        Assert.InRange(unknown, inputs.Length / 200, inputs.Length / 50);
        Assert.InRange(invalid, 1, inputs.Length / 20);
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void A_policy_with_one_threshold_moved_is_caught(string schema)
    {
        var moved = RouteOnlyScenario.Definition();
        moved.Defaults!.ImpactTiers![0].AmountAtLeast = 1_500;
        var policy = Compile(schema, moved);

        Assert.NotEmpty(RouteOnlyScenario.Differences(policy, RouteOnlyScenario.Inputs()));
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void A_wrong_if_chain_is_caught(string schema)
    {
        var policy = Compile(schema);

        // The weak-evidence threshold read as 0.35 instead of 0.4.
        Assert.NotEmpty(RouteOnlyScenario.Differences(policy, RouteOnlyScenario.Inputs(),
            static (in RouteOnlyRequest r) => RouteOnlyHandWritten.Route(r with { Evidence = r.Evidence + 0.05 })));

        // The engine's last step forgotten: a notice on an irreversible payment left as a notice.
        Assert.NotEmpty(RouteOnlyScenario.Differences(policy, RouteOnlyScenario.Inputs(),
            static (in RouteOnlyRequest r) =>
            {
                var route = RouteOnlyHandWritten.Route(in r);
                var costly = RouteOnlyHandWritten.Route(r with { Reversibility = Reversibility.CostlyToReverse });
                return r.Reversibility == Reversibility.Irreversible ? costly : route;
            }));
    }

    [Fact]
    public void The_readers_return_what_the_accessors_return()
    {
        // The reader and the schema's accessors must agree, or the hot path and Explain() would see different signals.
        foreach (var input in RouteOnlyScenario.Inputs(512, 9))
        {
            Assert.Equal(input.Action, RouteOnlyRequest.SignalReader.Action(in input));
            Assert.Equal(input.Confidence, RouteOnlyRequest.SignalReader.Confidence(in input));
            Assert.Equal(input.Amount, RouteOnlyRequest.SignalReader.Amount(in input));
            Assert.Null(RouteOnlyRequest.SignalReader.Category(in input));
            Assert.Null(RouteOnlyRequest.SignalReader.Sensitive(in input));
        }

        var reader = RouteOnlyScenario.CompileWithReader();
        var delegates = RouteOnlyScenario.Compile();
        foreach (var input in RouteOnlyScenario.Inputs(4_096, 11))
        {
            Assert.Equal(delegates.Explain(in input).Decision.Route, reader.Route(in input).Route);
        }
    }

    [Fact]
    public void The_headline_with_a_reader_decides_like_the_hand_written_baseline()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsScenario.CompileWithReader(killSwitch);

        Assert.Empty(Equivalence.Differences(policy, OperationsScenario.Inputs(), killSwitch));
        Assert.Empty(Equivalence.Differences(policy, OperationsScenario.Inputs(20_000, 5), killSwitch));
    }

    private static CompiledPolicy<RouteOnlyRequest> Compile(string schema, Definition.PolicyDefinition? definition = null) =>
        schema == "generated reader" ? RouteOnlyScenario.CompileWithReader(definition) : RouteOnlyScenario.Compile(definition);
}
