using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Benchmarks;

/// <summary>
/// <c>Route()</c> folds rules on standard signals into lookup tables for speed; <c>Explain()</c> still evaluates every
/// rule one by one. On random policies and inputs that sit on and next to every threshold, both must agree on which
/// rules fired and on the rule that decided.
/// </summary>
public class HotPathEquivalenceTests
{
    private static readonly double[] Cuts = [0, 0.1, 0.25, 0.5, 0.7, 0.8, 0.9, 0.95, 1];
    private static readonly double[] Amounts = [0, 1, 200, 500, 5_000, 10_000, 100_000];

    [Fact]
    public void Folded_rules_fire_exactly_as_rules_evaluated_one_by_one()
    {
        var random = new Random(1234);
        var checkedDecisions = 0;
        for (var p = 0; p < 150; p++)
        {
            var definition = RandomPolicy(random, p);
            var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
            for (var i = 0; i < 200; i++)
            {
                var input = RandomInput(random, i);
                var decision = policy.Route(input);
                var trace = policy.Explain(input);

                var expectedFired = trace.Rules.Where(r => r.Fired).Select(r => r.RuleId).Take(FiredRuleSet.Capacity).ToArray();
                Assert.Equal(expectedFired, decision.FiredRules.ToArray());

                var fired = trace.Rules.Where(r => r.Fired).ToList();
                var top = fired.Count == 0 ? trace.DefaultRoute : fired.Max(r => r.ProposedRoute);
                if (!decision.DecidedBy.StartsWith("hitl:", StringComparison.Ordinal))
                {
                    Assert.Equal(fired.First(r => r.ProposedRoute == top).RuleId, decision.DecidedBy);
                    Assert.Equal(top, decision.Route);
                }
                else if (decision.DecidedBy == BuiltInRules.DefaultRoute)
                {
                    Assert.True(fired.Count == 0 || top < trace.DefaultRoute, $"policy {p} input {i}: {decision} but a rule proposed {top}");
                }

                if (decision.Route is RouteLevel.Review or RouteLevel.Escalate)
                {
                    Assert.True(decision.RequiredApprovals >= Math.Max(1, fired.Select(r => r.ProposedApprovals).DefaultIfEmpty(0).Max()));
                }

                checkedDecisions++;
            }
        }

        Assert.Equal(150 * 200, checkedDecisions);
    }

    [Fact]
    public void Host_number_comparisons_as_intervals_agree_with_the_operators_on_and_next_to_the_constant()
    {
        var random = new Random(99);
        foreach (var op in Enum.GetValues<Hitl.Policy.Evaluation.CompareOp>())
        {
            foreach (var constant in new[] { -1e300, -1, 0, 0.5, 1, 250, double.MaxValue })
            {
                var condition = new Hitl.Policy.Evaluation.HostNumberCompareCondition<double>(
                    static (in double v) => v, 10, "x", double.NegativeInfinity, double.PositiveInfinity, op, constant);
                var values = new[] { constant, Math.BitIncrement(constant), Math.BitDecrement(constant), -0.0, 0.0, double.MaxValue, double.MinValue, random.NextDouble() * 1000 };
                foreach (var value in values.Where(double.IsFinite))
                {
                    var frame = new Hitl.Policy.Evaluation.SignalFrame { InvalidSignal = -1 };
                    var expected = Hitl.Policy.Evaluation.CompareOps.Apply(op, value, constant);
                    Assert.True(expected == condition.Evaluate(in value, ref frame), $"{value:R} {op} {constant:R}");
                }
            }
        }
    }

    [Fact]
    public void A_throwing_host_rule_reports_only_the_folded_rules_before_it()
    {
        var definition = new PolicyBuilder("fault", "1")
            .NumberField("boom", 0, 1)
            .Defaults(d => d
                .ConfidenceBand("band.high", 0.9, 1, RouteLevel.AutoExecute)
                .ConfidenceBand("band.low", 0, 0.9, RouteLevel.Review))
            .Action("a", a => a
                .ImpactTier("impact.small", 10, RouteLevel.AutoExecuteWithNotice)
                .Rule("host.boom", Conditions.Field("boom").GreaterThan(0.5), RouteLevel.Review)
                .Rule("amount.late", Conditions.Field("amount").AtLeast(1), RouteLevel.Escalate))
            .Build();
        var schema = new SignalSchema<Signals>()
            .ActionType(static (in Signals s) => s.ActionType)
            .Confidence(static (in Signals s) => s.Confidence)
            .Amount(static (in Signals s) => s.Amount)
            .Number("boom", static (in Signals s) => throw new InvalidOperationException("host field failed"));
        var policy = PolicyCompiler.Compile(definition, schema);

        var decision = policy.Route(new Signals { ActionType = "a", Confidence = 0.95, Amount = 50 });

        Assert.Equal(["band.high", "impact.small"], decision.FiredRules.ToArray());
        Assert.Equal("host.boom", decision.DecidedBy);
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.True((decision.Flags & DecisionFlags.RuleFault) != 0);
    }

    private static PolicyDefinition RandomPolicy(Random random, int seed)
    {
        var builder = new PolicyBuilder("random-" + seed, "1").Tiers("agent", "senior", "director").NumberField("h0", 0, 1);
        var low = Pick(random, Cuts[1..5]);
        var high = Pick(random, Cuts[5..8]);
        builder.Defaults(d => d
            .ConfidenceBand("band.high", high, 1, RouteLevel.AutoExecute)
            .ConfidenceBand("band.medium", low, high, RouteLevel.Review)
            .ConfidenceBand("band.low", 0, low, random.Next(2) == 0 ? RouteLevel.Escalate : RouteLevel.Block));
        builder.Action("a", a =>
        {
            var n = 0;
            for (var i = random.Next(3); i > 0; i--)
            {
                a.RiskThreshold("risk." + n++, Pick(random, Cuts), RandomRoute(random), Tier(random));
            }

            for (var i = random.Next(3); i > 0; i--)
            {
                a.ImpactTier("impact." + n++, Pick(random, Amounts), RandomRoute(random), Tier(random), random.Next(3) == 0 ? 2 : null);
            }

            for (var i = random.Next(2); i > 0; i--)
            {
                a.EvidenceBelow("evidence." + n++, Pick(random, Cuts[1..]), RandomRoute(random));
            }

            if (random.Next(2) == 0)
            {
                a.CostlyToReverse(RouteLevel.AutoExecuteWithNotice);
            }

            if (random.Next(2) == 0)
            {
                a.Irreversible(RandomRoute(random), Tier(random));
            }

            if (random.Next(2) == 0)
            {
                a.Sensitive(RandomRoute(random));
            }

            if (random.Next(2) == 0)
            {
                a.Vulnerable(RandomRoute(random), "senior");
            }

            for (var i = random.Next(6); i > 0; i--)
            {
                var leaf = RandomLeaf(random);
                var when = random.Next(3) switch
                {
                    0 => leaf,
                    1 => Conditions.All(leaf, RandomLeaf(random)),
                    _ => Conditions.Any(leaf, RandomLeaf(random)),
                };
                a.Rule("rule." + n++, when, RandomRoute(random), Tier(random), random.Next(4) == 0 ? 2 : null,
                    random.Next(4) == 0 ? TimeSpan.FromMinutes(30) : null);
            }
        });

        return builder.Build();
    }

    private static ConditionDefinition RandomLeaf(Random random) => random.Next(9) switch
    {
        0 => Conditions.Field("risk").AtLeast(Pick(random, Cuts)),
        1 => Conditions.Field("risk").GreaterThan(Pick(random, Cuts)),
        2 => Conditions.Field("amount").AtLeast(Pick(random, Amounts)),
        3 => Conditions.Field("amount").GreaterThan(Pick(random, Amounts)),
        4 => Conditions.Field("confidence").LessThan(Pick(random, Cuts)),
        5 => Conditions.Field("evidence").AtMost(Pick(random, Cuts)),
        6 => Conditions.Field("sensitive").IsTrue(),
        7 => Conditions.Field("reversibility").EqualTo("irreversible"),
        _ => Conditions.Field("h0").GreaterThan(Pick(random, Cuts)),
    };

    private static Signals RandomInput(Random random, int index)
    {
        var input = new Signals
        {
            ActionType = random.Next(20) == 0 ? "other" : "a",
            RequestId = "req-" + index,
            Confidence = Near(random, Cuts),
            Risk = Near(random, Cuts),
            Evidence = Near(random, Cuts),
            Amount = Near(random, Amounts),
            Reversibility = (Reversibility)random.Next(3),
            Sensitive = random.Next(2) == 0,
            Vulnerable = random.Next(4) == 0,
        };
        input.Numbers["h0"] = Near(random, Cuts);
        return input;
    }

    /// <summary>A value on a cut point, one step either side of it, anywhere, or (rarely) invalid.</summary>
    private static double Near(Random random, double[] cuts)
    {
        var cut = Pick(random, cuts);
        return random.Next(40) switch
        {
            0 => double.NaN,
            1 => -1,
            < 12 => cut,
            < 20 => Math.BitIncrement(cut),
            < 28 => Math.BitDecrement(cut),
            _ => random.NextDouble() * cuts[^1],
        };
    }

    private static RouteLevel RandomRoute(Random random) =>
        (RouteLevel)random.Next((int)RouteLevel.AutoExecuteWithNotice, (int)RouteLevel.Block + 1);

    private static string? Tier(Random random) => random.Next(3) switch
    {
        0 => null,
        1 => "senior",
        _ => "director",
    };

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
