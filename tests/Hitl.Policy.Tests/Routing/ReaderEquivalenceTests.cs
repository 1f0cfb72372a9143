using System.Globalization;
using System.Text;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// Issue 17: the hot path is specialised per way of reading the standard signals and has no exception handling of its
/// own. Over hundreds of random policies and thousands of random inputs each (invalid and left-out signals, unknown
/// action types, hostile accessors, an engaged kill switch), the plan that reads through a static reader, the plan that
/// reads through accessors, the guarded path, <c>Explain()</c> of both, and the plan compiled with a
/// <c>[HitlSignals]</c>-generated schema (which routes with no exception handler) agree on every field of the decision.
/// </summary>
public class ReaderEquivalenceTests
{
    private const int Policies = 240;
    private const int InputsPerPolicy = 2_000;

    private static readonly string[] Actions = ["a.one", "a.two", "a.three"];
    private static readonly string[] Categories = ["c.low", "c.mid", "c.high", "c.other"];
    private static readonly string[] Texts = ["x", "y", "z"];
    private static readonly string[] Routes = ["auto-execute", "auto-execute-with-notice", "review", "escalate", "block"];
    private static readonly string[] RuleRoutes =
        ["auto-execute", "auto-execute", "auto-execute-with-notice", "auto-execute-with-notice", "review", "review", "escalate", "block"];
    private static readonly double[] Units = [0, 0.05, 0.1, 0.25, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 1];
    private static readonly double[] Amounts = [0, 50, 100, 500, 1_000, 5_000, 10_000, 100_000];
    private static readonly string[] Throwing =
        [StandardSignals.Action, StandardSignals.Confidence, StandardSignals.Risk, StandardSignals.Amount, StandardSignals.RequestId, "n1", "t1", "f2"];

    [Fact]
    public void Reader_plan_delegate_plan_guarded_path_and_explain_agree_on_random_policies()
    {
        var random = new Random(20261203);
        var compared = 0;
        var generatedCompared = 0;
        var faults = 0;
        var routes = new int[5];
        for (var p = 0; p < Policies; p++)
        {
            var json = RandomPolicy(random);
            var definition = PolicyJson.Parse(json);
            var killSwitch = new KillSwitch();
            var key = p % 3 == 0 ? new SamplingKey(Encoding.UTF8.GetBytes("equivalence-secret-" + p)) : null;
            CompiledPolicy<RandomContext> viaReader, viaDelegates;
            CompiledPolicy<RandomFields> generated;
            try
            {
                generated = PolicyCompiler.Compile(definition, RandomFields.Schema, killSwitch, key);
                viaReader = PolicyCompiler.Compile(definition, RandomContext.ReaderSchema(), killSwitch, key);
                viaDelegates = PolicyCompiler.Compile(definition, RandomContext.DelegateSchema(), killSwitch, key);
            }
            catch (PolicyValidationException ex)
            {
                throw new InvalidOperationException("the generator wrote an invalid policy: " + string.Join("; ", ex.Errors) + "\n" + json, ex);
            }

            for (var i = 0; i < InputsPerPolicy; i++)
            {
                if (i == InputsPerPolicy * 3 / 4)
                {
                    killSwitch.Engage(p % 2 == 0 ? Actions[p % Actions.Length] : null, "test", "equivalence under an engaged switch");
                }

                var context = RandomInput(random);
                var expected = viaDelegates.RouteGuarded(context, faultSeen: false);
                var fromReader = viaReader.Route(context);
                var fromDelegates = viaDelegates.Route(context);
                if (fromReader != expected || fromDelegates != expected
                    || viaReader.Explain(context).Decision != expected || viaDelegates.Explain(context).Decision != expected)
                {
                    Assert.Fail($"policy {p}, input {i}: guarded {expected}, reader {fromReader}, delegates {fromDelegates}, "
                        + $"explain {viaReader.Explain(context).Decision}\ninput: {context}\npolicy: {json}");
                }

                if (context.Throws is null)
                {
                    var fields = RandomFields.From(context);
                    if (generated.Route(fields) != expected || generated.Explain(fields).Decision != expected)
                    {
                        Assert.Fail($"policy {p}, input {i}: guarded {expected}, generated {generated.Route(fields)}\ninput: {context}\npolicy: {json}");
                    }

                    generatedCompared++;
                }

                compared++;
                faults += (expected.Flags & DecisionFlags.RuleFault) != 0 ? 1 : 0;
                routes[(int)expected.Route]++;
            }
        }

        Assert.Equal(Policies * InputsPerPolicy, compared);
        Assert.True(generatedCompared > compared * 9 / 10, $"{generatedCompared} of {compared} inputs went through the generated schema");
        Assert.True(faults > 1_000, $"only {faults} decisions came from a throwing accessor");
        Assert.All(routes, count => Assert.True(count > 1_000, "every route should be reached often: " + string.Join(", ", routes)));
    }

    [Fact]
    public void A_reader_that_throws_only_on_the_hot_path_still_gives_a_rule_fault_that_stops_for_a_person()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1", "onInvalidSignal": "review",
              "defaults": { "route": "auto-execute", "confidenceBands": [ { "id": "low", "min": 0, "max": 0.5, "route": "review" }, { "id": "high", "min": 0.5, "max": 1, "route": "auto-execute" } ] },
              "actions": { "a.one": {} } }
            """);
        var policy = PolicyCompiler.Compile(definition, new SignalSchema<RandomContext>()
            .ActionType(static (in RandomContext c) => c.Action)
            .Confidence(static (in RandomContext c) => c.Confidence)
            .WithReader<FlakyReader>());

        var decision = policy.Route(new RandomContext { Action = "a.one", Confidence = 0.99 });

        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.True((decision.Flags & DecisionFlags.RuleFault) != 0, decision.ToString());
        Assert.Equal(RouteLevel.AutoExecute, PolicyCompiler.Compile(definition, RandomContext.DelegateSchema())
            .Route(new RandomContext { Action = "a.one", Confidence = 0.99, Reversibility = Reversibility.Reversible }).Route);
    }

    [Fact]
    public void Tests_of_the_action_type_fold_away_for_a_declared_type_but_never_past_a_host_field_they_would_skip()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1", "onInvalidSignal": "review",
              "fields": { "n1": { "type": "number", "min": 0, "max": 100 } },
              "defaults": { "route": "auto-execute", "rules": [
                { "id": "two-large", "when": { "all": [ { "field": "action", "in": ["a.two"] }, { "field": "amount", "gte": 100 } ] }, "then": { "route": "review" } },
                { "id": "two-or-n1", "when": { "all": [ { "field": "n1", "gt": 5 }, { "field": "action", "in": ["a.two"] } ] }, "then": { "route": "escalate" } } ] },
              "actions": { "a.one": {}, "a.two": {} } }
            """);
        var policy = PolicyCompiler.Compile(definition, RandomContext.DelegateSchema());

        // a.one: the first rule is constant false and folds away; the second reads n1 first, so it keeps being evaluated.
        Assert.Equal(1, policy.GeneralRuleCount("a.one"));
        // a.two: the first becomes "amount >= 100" (a table), the second "n1 > 5".
        Assert.Equal(1, policy.GeneralRuleCount("a.two"));
        Assert.Equal(2, policy.GeneralRuleCount("a.unknown"));
        var invalid = policy.Route(new RandomContext { Action = "a.one", Amount = 500, N1 = double.NaN, Reversibility = Reversibility.Reversible });
        Assert.True((invalid.Flags & DecisionFlags.InvalidSignal) != 0, invalid.ToString());
        Assert.Equal(RouteLevel.Review, policy.Route(new RandomContext { Action = "a.two", Amount = 500, N1 = 1 }).Route);
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(new RandomContext { Action = "a.one", Amount = 500, N1 = 50 }).Route);
    }

    internal static string RandomPolicy(Random random)
    {
        var json = new StringBuilder();
        json.Append("""{ "id": "random", "version": "1", "tiers": ["t0", "t1", "t2"], """);
        json.Append("""
            "fields": { "n1": { "type": "number", "min": 0, "max": 100 }, "r1": { "type": "number", "min": 0, "max": 1 },
              "t1": { "type": "text" }, "f1": { "type": "flag" }, "f2": { "type": "flag"
            """);
        json.Append(random.Next(3) == 0 ? """, "default": false } }, """ : " } }, ");
        if (random.Next(3) == 0)
        {
            json.Append("\"signalDefaults\": { \"sensitive\": ").Append(Bool(random)).Append(", \"vulnerable\": ").Append(Bool(random)).Append(" }, ");
        }

        json.Append("\"onInvalidSignal\": \"").Append(random.Next(4) == 0 ? "escalate" : "review").Append("\", ");
        json.Append("\"onUnknownAction\": \"").Append(random.Next(8) == 0 ? "block" : "review").Append("\", ");
        var ids = 0;
        json.Append("\"defaults\": ").Append(Scope(random, ref ids, isDefaults: true)).Append(", \"actions\": { ");
        var actions = 1 + random.Next(Actions.Length);
        for (var a = 0; a < actions; a++)
        {
            json.Append(a == 0 ? "" : ", ").Append('"').Append(Actions[a]).Append("\": ").Append(Scope(random, ref ids, isDefaults: false));
        }

        return json.Append(" } }").ToString();
    }

    private static string Scope(Random random, ref int ids, bool isDefaults)
    {
        var parts = new List<string>();
        if (isDefaults || random.Next(3) == 0)
        {
            parts.Add($"\"route\": \"{Pick(random, ["auto-execute", "auto-execute", "auto-execute-with-notice", "review"])}\"");
        }

        if (random.Next(2) == 0)
        {
            var cut1 = Pick(random, [0.5, 0.6, 0.7]);
            var cut2 = Pick(random, [0.8, 0.9, 0.95]);
            parts.Add($$"""
                "confidenceBands": [ { "id": "b{{ids++}}", "min": {{N(cut2)}}, "max": 1, "route": "auto-execute" },
                  { "id": "b{{ids++}}", "min": {{N(cut1)}}, "max": {{N(cut2)}}, "route": "{{Pick(random, ["review", "auto-execute-with-notice"])}}" },
                  { "id": "b{{ids++}}", "min": 0, "max": {{N(cut1)}}, "route": "{{Pick(random, ["escalate", "review", "review"])}}" } ]
                """);
        }

        if (random.Next(2) == 0)
        {
            parts.Add($$"""
                "evidence": [ { "id": "e{{ids++}}", "below": {{N(Pick(random, Units[1..6]))}}, "route": "{{Pick(random, ["auto-execute-with-notice", "review"])}}" } ]
                """);
        }

        if (random.Next(2) == 0)
        {
            var factors = random.Next(2) == 0 ? $$""" "factors": [ { "field": "r1", "weight": {{1 + random.Next(3)}} } ], """ : "";
            parts.Add($$"""
                "risk": { {{factors}} "thresholds": [ { "id": "r{{ids++}}", "atLeast": {{N(Pick(random, [0.3, 0.4, 0.5]))}}, "route": "review", "tier": "t1" },
                  { "id": "r{{ids++}}", "atLeast": {{N(Pick(random, [0.7, 0.8, 0.9]))}}, "route": "escalate", "approvals": 2 } ] }
                """);
        }

        if (random.Next(2) == 0)
        {
            parts.Add($$"""
                "impactTiers": [ { "id": "i{{ids++}}", "amountAtLeast": {{N(Pick(random, [100.0, 500, 1000]))}}, "route": "review", "deadline": "PT1H" },
                  { "id": "i{{ids++}}", "amountAtLeast": {{N(Pick(random, [5000.0, 10000, 100000]))}}, "route": "escalate", "tier": "t2" },
                  { "id": "i{{ids++}}", "categories": ["{{Pick(random, Categories)}}"], "route": "{{Pick(random, ["auto-execute-with-notice", "review", "escalate"])}}" } ]
                """);
        }

        if (random.Next(2) == 0)
        {
            parts.Add($$"""
                "reversibility": { "costlyToReverse": { "route": "{{Pick(random, ["auto-execute-with-notice", "review"])}}" },
                  "irreversible": { "route": "{{Pick(random, ["review", "escalate"])}}" } }
                """);
        }

        if (random.Next(3) == 0)
        {
            parts.Add($$""" "sensitive": { "route": "review", "tier": "t1" } """);
        }

        if (random.Next(3) == 0)
        {
            parts.Add($$""" "vulnerable": { "route": "{{Pick(random, ["review", "escalate"])}}", "tier": "t2" } """);
        }

        if (random.Next(2) == 0)
        {
            parts.Add($$""" "sampling": { "rate": {{N(Pick(random, [0.05, 0.25, 0.5, 1.0]))}}, "mode": "{{Pick(random, ["flag", "review"])}}" } """);
        }

        if (random.Next(3) != 0)
        {
            parts.Add($$"""
                "review": { "tier": "{{Pick(random, ["t0", "t1"])}}", "approvals": {{1 + random.Next(2)}}, "deadline": "PT4H", "onTimeout": "{{Pick(random, ["escalate", "block"])}}" },
                "escalate": { "tier": "t1", "approvals": 1, "deadline": "PT8H", "onTimeout": "block" }
                """);
        }

        var rules = new List<string>();
        for (var r = random.Next(4); r > 0; r--)
        {
            var then = $$"""{ "route": "{{Pick(random, RuleRoutes)}}" {{(random.Next(2) == 0 ? ", \"tier\": \"t" + random.Next(3) + "\"" : "")}} {{(random.Next(3) == 0 ? ", \"approvals\": 2" : "")}} {{(random.Next(3) == 0 ? ", \"deadline\": \"PT30M\"" : "")}} }""";
            rules.Add($$"""{ "id": "rule{{ids++}}", "when": {{Condition(random, 0, negated: false)}}, "then": {{then}} }""");
        }

        if (rules.Count > 0)
        {
            parts.Add("\"rules\": [ " + string.Join(", ", rules) + " ]");
        }

        return "{ " + string.Join(", ", parts) + " }";
    }

    /// <summary>A random condition; standard signals are compared only in their risky direction and never under a <c>not</c>, as the compiler requires.</summary>
    private static string Condition(Random random, int depth, bool negated)
    {
        var kind = depth >= 2 ? random.Next(7) : depth == 0 && random.Next(2) == 0 ? 7 : random.Next(10);
        if (negated && kind is >= 4 and <= 6)
        {
            kind = random.Next(4);
        }

        return kind switch
        {
            0 => $$"""{ "field": "n1", "{{Pick(random, ["gt", "gte", "lt", "lte"])}}": {{random.Next(101)}} }""",
            1 => $$"""{ "field": "t1", "in": ["{{Pick(random, Texts)}}", "{{Pick(random, Texts)}}"] }""",
            2 => $$"""{ "field": "f1", "eq": {{Bool(random)}} }""",
            3 => $$"""{ "field": "f2", "eq": {{Bool(random)}} }""",
            4 => random.Next(2) == 0
                ? $$"""{ "field": "{{Pick(random, [StandardSignals.Confidence, StandardSignals.Evidence])}}", "{{Pick(random, ["lt", "lte"])}}": {{N(Pick(random, Units))}} }"""
                : $$"""{ "field": "risk", "{{Pick(random, ["gt", "gte"])}}": {{N(Pick(random, Units))}} }""",
            5 => $$"""{ "field": "amount", "{{Pick(random, ["gte", "gt"])}}": {{N(Pick(random, Amounts))}} }""",
            6 => random.Next(2) == 0
                ? $$"""{ "field": "category", "in": ["{{Pick(random, Categories)}}"] }"""
                : $$"""{ "field": "action", "in": ["{{Pick(random, Actions)}}", "{{Pick(random, ["a.unknown", "a.other", Actions[0]])}}"] }""",
            7 => $$"""{ "all": [ {{Condition(random, depth + 1, negated)}}, {{Condition(random, depth + 1, negated)}} ] }""",
            8 => $$"""{ "any": [ {{Condition(random, depth + 1, negated)}}, {{Condition(random, depth + 1, negated)}} ] }""",
            _ => $$"""{ "not": {{Condition(random, depth + 1, negated: true)}} }""",
        };
    }

    internal static RandomContext RandomInput(Random random) => new()
    {
        Action = random.Next(50) switch { 0 => null, 1 => "a.unknown", _ => Pick(random, Actions) },
        RequestId = random.Next(10) == 0 ? null : "req-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
        Confidence = Unit(random),
        Risk = 1 - Unit(random),
        Evidence = Unit(random),
        Amount = random.Next(30) switch { 0 => double.NaN, 1 => -1, 2 => double.PositiveInfinity, _ => Pick(random, Amounts) + (random.Next(2) == 0 ? 0 : -0.5) },
        Category = random.Next(20) == 0 ? null : Pick(random, Categories),
        Reversibility = (Reversibility)random.Next(random.Next(40) == 0 ? 5 : 3),
        Sensitive = random.Next(12) switch { 0 => null, < 5 => true, _ => false },
        Vulnerable = random.Next(12) switch { 0 => null, < 5 => true, _ => false },
        N1 = random.Next(30) switch { 0 => double.NaN, 1 => 150, _ => random.Next(101) },
        R1 = 1 - Unit(random),
        T1 = random.Next(10) == 0 ? null : Pick(random, Texts),
        F1 = random.Next(2) == 0,
        F2 = random.Next(12) switch { 0 => null, < 5 => true, _ => false },
        Throws = random.Next(25) == 0 ? Pick(random, Throwing) : null,
    };

    private static double Unit(Random random) => random.Next(90) switch
    {
        0 => double.NaN,
        1 => -0.25,
        2 => 1.5,
        < 30 => Pick(random, Units),
        < 60 => random.NextDouble(),
        _ => 0.8 + (0.2 * random.NextDouble()),
    };

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static string Bool(Random random) => random.Next(2) == 0 ? "true" : "false";

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A reader that throws every time: the accessors it stands beside do not, so only the hot path fails.</summary>
    private readonly struct FlakyReader : ISignalReader<RandomContext>
    {
        public static string? Action(in RandomContext context) => context.Action;

        public static string? RequestId(in RandomContext context) => null;

        public static double Confidence(in RandomContext context) => throw new InvalidOperationException("the reader failed");

        public static double Risk(in RandomContext context) => double.NaN;

        public static double Evidence(in RandomContext context) => double.NaN;

        public static double Amount(in RandomContext context) => double.NaN;

        public static string? Category(in RandomContext context) => null;

        public static Reversibility Reversibility(in RandomContext context) => Policy.Reversibility.Irreversible;

        public static bool? Sensitive(in RandomContext context) => null;

        public static bool? Vulnerable(in RandomContext context) => null;
    }
}
