namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// The action type is looked up by reference first and rebound once to a caller's own instance (Native AOT's literals
/// are not the interned strings): whatever instance a call brings, the plan is the one its text names.
/// </summary>
public class ActionLookupTests
{
    private const string Policy = """
        { "id": "lookup", "version": "1", "tiers": ["agent"], "onUnknownAction": "escalate",
          "defaults": { "route": "auto-execute" },
          "actions": {
            "pay.small": { "route": "auto-execute" },
            "pay.large": { "route": "review" },
            "pay.block": { "route": "block" } } }
        """;

    private static readonly (string Action, RouteLevel Route)[] Expected =
        [("pay.small", RouteLevel.AutoExecute), ("pay.large", RouteLevel.Review), ("pay.block", RouteLevel.Block)];

    private static CompiledPolicy<Signals> Compile()
    {
        var definition = PolicyJson.Parse(Policy);
        return PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
    }

    private static Decision Route(CompiledPolicy<Signals> policy, string action) =>
        policy.Route(new Signals { ActionType = action, Reversibility = Reversibility.Reversible });

    /// <summary>A new instance with the same text, never the interned one.</summary>
    private static string Fresh(string text) => new(text.AsSpan());

    [Fact]
    public void Every_instance_of_a_declared_action_type_routes_by_its_plan_before_and_after_the_rebinding()
    {
        var policy = Compile();
        foreach (var (action, route) in Expected)
        {
            var first = Fresh(action);
            var second = Fresh(action);
            Assert.False(ReferenceEquals(first, second));

            // First a fresh instance (the one the entry is rebound to), then another, then the literal, then the first again.
            foreach (var instance in new[] { first, second, action, first, second })
            {
                var decision = Route(policy, instance);
                Assert.Equal(route, decision.Route);
                Assert.Equal(action, decision.ActionType);
                Assert.Equal(DecisionFlags.None, decision.Flags & DecisionFlags.UnknownActionType);
            }
        }
    }

    [Fact]
    public void An_undeclared_action_type_stays_unknown_whatever_was_looked_up_before()
    {
        var policy = Compile();
        foreach (var (action, _) in Expected)
        {
            Route(policy, Fresh(action));
        }

        foreach (var unknown in new[] { "pay.smal", "pay.small ", "PAY.SMALL", Fresh("pay.other") })
        {
            var decision = Route(policy, unknown);
            Assert.Equal(RouteLevel.Escalate, decision.Route);
            Assert.Equal(DecisionFlags.UnknownActionType, decision.Flags & DecisionFlags.UnknownActionType);
        }
    }

    [Fact]
    public void Threads_racing_to_rebind_with_their_own_instances_all_get_the_plan_their_text_names()
    {
        var policy = Compile();
        var wrong = 0;
        Parallel.For(0, 40_000, i =>
        {
            var (action, route) = Expected[i % Expected.Length];
            var instance = i % 2 == 0 ? Fresh(action) : action;
            if (Route(policy, instance).Route != route)
            {
                Interlocked.Increment(ref wrong);
            }
        });

        Assert.Equal(0, wrong);
    }
}
