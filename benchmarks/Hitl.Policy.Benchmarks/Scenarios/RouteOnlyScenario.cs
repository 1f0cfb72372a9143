using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>The hand-written route of a <see cref="RouteOnlyRequest"/>, or a variant of it that a test uses.</summary>
/// <param name="request">The request.</param>
/// <returns>The route.</returns>
public delegate RouteLevel RouteOnlyBaseline(in RouteOnlyRequest request);

/// <summary>
/// The route-only scenario: a 12-rule policy over standard signals only (confidence bands, risk thresholds, a
/// reversibility gate, impact tiers by amount, a rule on the action type, the vulnerable gate, weak evidence; no host
/// fields, no sampling), the two schemas for <see cref="RouteOnlyRequest"/> (delegate accessors, and the same with the
/// reader generated for it, <c>RouteOnlyRequest.SignalReader</c>, attached), and a fixed-seed set of varied requests.
/// </summary>
public static class RouteOnlyScenario
{
    /// <summary>How many distinct requests the benchmarks cycle through.</summary>
    public const int InputCount = 2048;

    /// <summary>The seed of the benchmark's input set.</summary>
    public const int Seed = 20261203;

    /// <summary>The number of rules of every action type (all of them in the defaults).</summary>
    public const int RuleCount = 12;

    /// <summary>The action types the policy knows.</summary>
    public static readonly string[] ActionTypes = ["payment.send", "payment.payout"];

    /// <summary>
    /// The policy. Every rule is in the defaults, so both action types (and an unknown one, which is raised to review)
    /// have the same 12: 3 confidence bands, 3 risk thresholds, the costly-to-reverse gate (a notice, which the engine
    /// raises to review on an irreversible payment), 2 impact tiers, the payout rule on the action type, the vulnerable
    /// gate and weak evidence.
    /// </summary>
    public const string PolicyJson = """
        {
          "id": "payments-route-only",
          "version": "2026.12.1",
          "description": "Route-only benchmark: standard signals only, 12 rules, no host fields, no sampling.",
          "tiers": ["agent", "senior"],
          "onInvalidSignal": "review",
          "onUnknownAction": "review",
          "defaults": {
            "route": "auto-execute",
            "confidenceBands": [
              { "id": "confidence.high", "min": 0.9, "max": 1.0, "route": "auto-execute" },
              { "id": "confidence.medium", "min": 0.75, "max": 0.9, "route": "review" },
              { "id": "confidence.low", "min": 0.0, "max": 0.75, "route": "escalate" }
            ],
            "risk": {
              "thresholds": [
                { "id": "risk.elevated", "atLeast": 0.5, "route": "review" },
                { "id": "risk.high", "atLeast": 0.8, "route": "escalate", "tier": "senior" },
                { "id": "risk.critical", "atLeast": 0.95, "route": "block" }
              ]
            },
            "reversibility": {
              "costlyToReverse": { "id": "reversibility.costly", "route": "auto-execute-with-notice" }
            },
            "impactTiers": [
              { "id": "impact.large", "amountAtLeast": 1000, "route": "review" },
              { "id": "impact.very-large", "amountAtLeast": 25000, "route": "escalate", "tier": "senior" }
            ],
            "vulnerable": { "id": "vulnerable", "route": "review", "tier": "senior" },
            "evidence": [
              { "id": "evidence.weak", "below": 0.4, "route": "review" }
            ],
            "rules": [
              {
                "id": "payout.notice",
                "description": "A payout above petty cash goes ahead, with a notice.",
                "when": { "all": [ { "field": "action", "in": ["payment.payout"] }, { "field": "amount", "gte": 200 } ] },
                "then": { "route": "auto-execute-with-notice" }
              }
            ],
            "review": { "tier": "agent", "approvals": 1, "deadline": "PT4H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT8H", "onTimeout": "block" }
          },
          "actions": {
            "payment.send": {},
            "payment.payout": {}
          }
        }
        """;

    /// <summary>The parsed policy definition (a new one each call, so a test may change it).</summary>
    public static PolicyDefinition Definition() => Hitl.Policy.PolicyJson.Parse(PolicyJson);

    /// <summary>How the policy reads a <see cref="RouteOnlyRequest"/>: one delegate accessor per standard signal.</summary>
    public static SignalSchema<RouteOnlyRequest> Schema() => new SignalSchema<RouteOnlyRequest>()
        .ActionType(static (in RouteOnlyRequest r) => r.Action)
        .RequestId(static (in RouteOnlyRequest r) => r.RequestId)
        .Confidence(static (in RouteOnlyRequest r) => r.Confidence)
        .Risk(static (in RouteOnlyRequest r) => r.Risk)
        .Evidence(static (in RouteOnlyRequest r) => r.Evidence)
        .Amount(static (in RouteOnlyRequest r) => r.Amount)
        .Reversibility(static (in RouteOnlyRequest r) => r.Reversibility)
        .Vulnerable(static (in RouteOnlyRequest r) => r.Vulnerable);

    /// <summary>The schema <c>[HitlSignals]</c> generates: the same accessors, with the generated reader attached.</summary>
    public static SignalSchema<RouteOnlyRequest> SchemaWithReader() => RouteOnlyRequest.Schema;

    /// <summary>Compiles the policy against the delegate schema.</summary>
    /// <param name="definition">The definition; <see cref="Definition"/> when null.</param>
    public static CompiledPolicy<RouteOnlyRequest> Compile(PolicyDefinition? definition = null) =>
        PolicyCompiler.Compile(definition ?? Definition(), Schema());

    /// <summary>Compiles the policy against the schema with the reader attached.</summary>
    /// <param name="definition">The definition; <see cref="Definition"/> when null.</param>
    public static CompiledPolicy<RouteOnlyRequest> CompileWithReader(PolicyDefinition? definition = null) =>
        PolicyCompiler.Compile(definition ?? Definition(), SchemaWithReader());

    /// <summary>Compiles the policy routed through <see cref="RouteOnlyRouter"/>, the policy written as C# (a test keeps it current).</summary>
    public static CompiledPolicy<RouteOnlyRequest> CompilePrecompiled() =>
        PolicyCompiler.Compile(Definition(), SchemaWithReader(), new RouteOnlyRouter());

    /// <summary>
    /// Varied payments from a fixed seed: mostly confident, low-risk, reversible and small ones that auto-execute,
    /// with every route, band, threshold and gate reached, about 1% unknown action types and about 1% invalid signals
    /// (NaN or out of range).
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    public static RouteOnlyRequest[] Inputs(int count = InputCount, int seed = Seed)
    {
        var random = new Random(seed);
        var inputs = new RouteOnlyRequest[count];
        for (var i = 0; i < count; i++)
        {
            var pick = random.NextDouble();
            var action = pick switch
            {
                < 0.70 => "payment.send",
                < 0.99 => "payment.payout",
                _ => "invoice.pay",
            };

            inputs[i] = new RouteOnlyRequest(
                Action: action,
                RequestId: "req-" + random.NextInt64(1, long.MaxValue).ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                Confidence: Invalid(random, Skewed(random, 0.6, 0.9, 1.0)),
                Risk: Invalid(random, Math.Pow(random.NextDouble(), 2.5)),
                Evidence: Invalid(random, Skewed(random, 0.85, 0.4, 1.0)),
                Amount: Invalid(random, Math.Round(Math.Exp(Math.Pow(random.NextDouble(), 1.3) * 10.6), 2)),
                Reversibility: (Reversibility)(int)(Math.Pow(random.NextDouble(), 1.8) * 3),
                Vulnerable: random.NextDouble() < 0.04);
        }

        return inputs;
    }

    /// <summary>The inputs on which the policy's route differs from the baseline's, described; empty when none.</summary>
    /// <param name="policy">The compiled route-only policy.</param>
    /// <param name="inputs">The requests.</param>
    /// <param name="baseline">The hand-written route; <see cref="RouteOnlyHandWritten.Route"/> when null.</param>
    /// <param name="limit">How many differences to describe at most.</param>
    public static IReadOnlyList<string> Differences(
        IEscalationPolicy<RouteOnlyRequest> policy, IReadOnlyList<RouteOnlyRequest> inputs, RouteOnlyBaseline? baseline = null, int limit = 10)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(inputs);
        baseline ??= RouteOnlyHandWritten.Route;
        var differences = new List<string>();
        for (var i = 0; i < inputs.Count && differences.Count < limit; i++)
        {
            var input = inputs[i];
            var engine = policy.Route(in input).Route;
            var expected = baseline(in input);
            if (engine != expected)
            {
                differences.Add($"input {i} ({input}): engine routes {engine.ToJsonName()}, hand-written {expected.ToJsonName()}");
            }
        }

        return differences;
    }

    /// <summary>Throws when the policy's route differs from the hand-written one on any input.</summary>
    /// <param name="policy">The compiled route-only policy.</param>
    /// <param name="inputs">The requests.</param>
    /// <param name="what">Which policy this is, for the message.</param>
    public static void Require(IEscalationPolicy<RouteOnlyRequest> policy, IReadOnlyList<RouteOnlyRequest> inputs, string what)
    {
        var differences = Differences(policy, inputs);
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"The route-only policy ({what}) and the hand-written if chain disagree:" + Environment.NewLine + string.Join(Environment.NewLine, differences));
        }
    }

    /// <summary>Mostly in [<paramref name="high"/>, <paramref name="top"/>], with a share spread below.</summary>
    private static double Skewed(Random random, double shareHigh, double high, double top) =>
        random.NextDouble() < shareHigh
            ? high + (random.NextDouble() * (top - high))
            : random.NextDouble() * high;

    /// <summary>About one value in 400 is NaN or out of range, so the fail-closed paths are part of the mix.</summary>
    private static double Invalid(Random random, double value) => random.NextDouble() switch
    {
        < 0.0015 => double.NaN,
        < 0.0025 => -1,
        _ => value,
    };
}
