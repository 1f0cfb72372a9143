using Hitl.Policy.Evaluation;

namespace Hitl.Policy.Tests.Compilation;

/// <summary>Issue 10 item 4: risk weights whose sum overflows are refused, and a computed risk that is not finite fails closed.</summary>
public class RiskWeightTests
{
    private const string Policy = """
        { "id": "p", "version": "1",
          "fields": { "a": { "type": "number" }, "b": { "type": "number" } },
          "defaults": {
            "risk": {
              "factors": [ { "field": "a", "weight": 1e308 }, { "field": "b", "weight": 1e308 } ],
              "thresholds": [ { "id": "risky", "atLeast": 0.5, "route": "block" } ] } } }
        """;

    [Fact]
    public void Weights_whose_sum_is_not_finite_are_refused_with_path_and_value()
    {
        var definition = PolicyJson.Parse(Policy);

        var error = Assert.Single(PolicyCompiler.Validate(definition));

        Assert.Equal(PolicyErrorCode.InvalidValue, error.Code);
        Assert.Equal("$.defaults.risk.factors", error.Path);
        Assert.Contains("1E+308, 1E+308", error.Value, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
        Assert.Throws<PolicyValidationException>(() => PolicyCompiler.Compile(definition, Signals.SchemaFor(definition)));
    }

    [Fact]
    public void Large_finite_weights_still_compute_risk_and_the_riskiest_inputs_are_blocked()
    {
        var definition = PolicyJson.Parse(Policy.Replace("1e308 }, { \"field\": \"b\", \"weight\": 1e308", "1e307 }, { \"field\": \"b\", \"weight\": 1e307", StringComparison.Ordinal));
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var signals = new Signals { ActionType = "x", Reversibility = Reversibility.Reversible };
        signals.Numbers["a"] = 1;
        signals.Numbers["b"] = 1;

        Assert.Equal(RouteLevel.Block, policy.Route(signals).Route);
    }

    [Fact]
    public void A_computed_risk_that_is_not_finite_is_an_invalid_signal_read_as_the_riskiest_value()
    {
        RiskFactor<Signals>[] factors =
        [
            new((in Signals s) => 1, StandardSignals.Names.Length, "a", double.MaxValue),
            new((in Signals s) => 1, StandardSignals.Names.Length + 1, "b", double.MaxValue),
        ];
        var frame = new SignalFrame { InvalidSignal = -1 };
        var signals = new Signals();

        var risk = CompiledPolicy<Signals>.ComputeRisk(factors, double.PositiveInfinity, in signals, ref frame);

        Assert.Equal(1, risk);
        Assert.Equal(StandardSignals.RiskIndex, frame.InvalidSignal);
    }
}
