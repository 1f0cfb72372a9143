using System.Globalization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks.Synthetic;

/// <summary>Generated policies and inputs for the sweeps: business rules on host fields, the part of a policy that grows.</summary>
public static class SyntheticPolicies
{
    /// <summary>How many inputs each sweep cycles through.</summary>
    public const int InputCount = 2048;

    /// <summary>The seed of every generated set.</summary>
    public const int Seed = 424242;

    /// <summary>The number of host fields.</summary>
    public const int FieldCount = 8;

    private static readonly string[] Tiers = ["agent", "senior", "director"];

    /// <summary>The schema for <see cref="SyntheticRequest"/>.</summary>
    public static SignalSchema<SyntheticRequest> Schema() => new SignalSchema<SyntheticRequest>()
        .ActionType(static (in SyntheticRequest r) => r.Action)
        .RequestId(static (in SyntheticRequest r) => r.RequestId)
        .Confidence(static (in SyntheticRequest r) => r.Confidence)
        .Amount(static (in SyntheticRequest r) => r.Amount)
        .Number("f0", static (in SyntheticRequest r) => r.F0)
        .Number("f1", static (in SyntheticRequest r) => r.F1)
        .Number("f2", static (in SyntheticRequest r) => r.F2)
        .Number("f3", static (in SyntheticRequest r) => r.F3)
        .Number("f4", static (in SyntheticRequest r) => r.F4)
        .Number("f5", static (in SyntheticRequest r) => r.F5)
        .Number("f6", static (in SyntheticRequest r) => r.F6)
        .Number("f7", static (in SyntheticRequest r) => r.F7);

    /// <summary>A policy with the usual confidence bands and audit sampling, and the host fields declared in [0, 1].</summary>
    public static PolicyBuilder Skeleton(string id)
    {
        var builder = new PolicyBuilder(id, "1").Tiers(Tiers).OnInvalidSignal(RouteLevel.Review).OnUnknownAction(RouteLevel.Review);
        for (var f = 0; f < FieldCount; f++)
        {
            builder.NumberField(Field(f), 0, 1);
        }

        return builder.Defaults(d => d
            .ConfidenceBand("confidence.high", 0.9, 1.0, RouteLevel.AutoExecute)
            .ConfidenceBand("confidence.medium", 0.7, 0.9, RouteLevel.Review)
            .ConfidenceBand("confidence.low", 0.0, 0.7, RouteLevel.Escalate)
            .Sample(0.05));
    }

    /// <summary>
    /// Adds <paramref name="count"/> threshold rules to a scope: rule i fires when field <c>f(i mod 8)</c> reaches a
    /// threshold in [0.9, 1), so about 5% of the rules apply to a uniform input.
    /// </summary>
    public static ActionPolicyBuilder ThresholdRules(ActionPolicyBuilder scope, string prefix, int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(random);
        for (var i = 0; i < count; i++)
        {
            var threshold = 0.9 + (random.NextDouble() * 0.1);
            scope.Rule(RuleId(prefix, i), Conditions.Field(Field(i % FieldCount)).AtLeast(threshold), RouteFor(i), Tiers[i % Tiers.Length]);
        }

        return scope;
    }

    /// <summary>Uniform requests over the given action types.</summary>
    public static SyntheticRequest[] Inputs(IReadOnlyList<string> actions, int count = InputCount, int seed = Seed)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var random = new Random(seed);
        var inputs = new SyntheticRequest[count];
        for (var i = 0; i < count; i++)
        {
            // A fresh string, as a host that deserialises its requests would hold: no reference shared with the policy.
            var action = new string(actions[random.Next(actions.Count)].AsSpan());
            inputs[i] = Uniform(random, action, i);
        }

        return inputs;
    }

    /// <summary>A request with every field uniform in [0, 1) and a confident model.</summary>
    public static SyntheticRequest Uniform(Random random, string action, int index)
    {
        ArgumentNullException.ThrowIfNull(random);
        return new SyntheticRequest
        {
            Action = action,
            RequestId = "req-" + index.ToString("x8", CultureInfo.InvariantCulture),
            Confidence = 0.85 + (random.NextDouble() * 0.15),
            Amount = Math.Round(random.NextDouble() * 2_000, 2),
            F0 = random.NextDouble(),
            F1 = random.NextDouble(),
            F2 = random.NextDouble(),
            F3 = random.NextDouble(),
            F4 = random.NextDouble(),
            F5 = random.NextDouble(),
            F6 = random.NextDouble(),
            F7 = random.NextDouble(),
        };
    }

    /// <summary>The name of host field <paramref name="index"/>.</summary>
    public static string Field(int index) => "f" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The id of rule <paramref name="index"/>.</summary>
    public static string RuleId(string prefix, int index) => prefix + ".r" + index.ToString("d4", CultureInfo.InvariantCulture);

    /// <summary>The name of action type <paramref name="index"/>.</summary>
    public static string ActionName(int index) => "action." + index.ToString("d4", CultureInfo.InvariantCulture);

    private static RouteLevel RouteFor(int index) => (index % 3) switch
    {
        0 => RouteLevel.Review,
        1 => RouteLevel.AutoExecuteWithNotice,
        _ => RouteLevel.Escalate,
    };

    /// <summary>Routes every input and folds the decisions into a number, so the JIT cannot drop the work.</summary>
    public static int RouteAll(CompiledPolicy<SyntheticRequest> policy, SyntheticRequest[] inputs)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inputs);
        var sum = 0;
        for (var i = 0; i < inputs.Length; i++)
        {
            var decision = policy.Route(in inputs[i]);
            sum += (int)decision.Route + decision.RequiredTierRank + decision.RequiredApprovals;
        }

        return sum;
    }
}
