using Hitl.Policy.Definition;

namespace Hitl.Policy.Tests.Compilation;

/// <summary>Every validation error names where it is (JSON path, line, column) and the offending value.</summary>
public class ValidationErrorTests
{
    private const string Bands = """
        "confidenceBands": [
          { "id": "high", "min": 0.9, "max": 1.0, "route": "auto-execute" },
          { "id": "low", "min": 0.0, "max": 0.9, "route": "review" }
        ]
        """;

    private static IReadOnlyList<PolicyError> Errors(string json)
    {
        var definition = PolicyJson.Parse(json);
        return PolicyCompiler.Validate(definition);
    }

    private static PolicyError Single(string json, PolicyErrorCode code)
    {
        var errors = Errors(json);
        return Assert.Single(errors, e => e.Code == code);
    }

    private static void AssertLocated(PolicyError error, string path, string value, int line)
    {
        Assert.Equal(path, error.Path);
        Assert.Equal(value, error.Value);
        Assert.Equal(line, error.Line);
        Assert.NotNull(error.Column);
        var text = error.ToString();
        Assert.Contains(path, text, StringComparison.Ordinal);
        Assert.Contains(value, text, StringComparison.Ordinal);
        Assert.Contains($"line {line}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_is_named_with_its_path_and_value()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "defaults": {
                "samplingRate": 0.3
              } }
            """, PolicyErrorCode.UnknownProperty);
        AssertLocated(error, "$.defaults.samplingRate", "0.3", 3);
    }

    [Fact]
    public void Unknown_field_in_a_condition_is_named()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "actions": { "loan.approve": { "rules": [
                { "id": "r", "when": { "field": "applicant.age", "gt": 70 }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.UnknownField);
        AssertLocated(error, "$.actions['loan.approve'].rules[0].when.field", "\"applicant.age\"", 3);
    }

    [Fact]
    public void Inverted_band_is_named_with_its_bounds()
    {
        var error = Single("""
            { "id": "p", "version": "1", "defaults": { "confidenceBands": [
                { "id": "high", "min": 0.9, "max": 0.5, "route": "auto-execute" } ] } }
            """, PolicyErrorCode.InvertedBand);
        AssertLocated(error, "$.defaults.confidenceBands[0]", "[0.9, 0.5]", 2);
    }

    [Fact]
    public void Overlapping_bands_are_named_with_both_ranges()
    {
        var error = Single("""
            { "id": "p", "version": "1", "defaults": { "confidenceBands": [
                { "id": "high", "min": 0.8, "max": 1.0, "route": "auto-execute" },
                { "id": "low", "min": 0.0, "max": 0.85, "route": "review" } ] } }
            """, PolicyErrorCode.OverlappingBands);
        AssertLocated(error, "$.defaults.confidenceBands[0]", "[0.8, 1) and [0, 0.85)", 2);
        Assert.Contains("'high' overlaps band 'low'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gap_between_bands_is_named()
    {
        var error = Single("""
            { "id": "p", "version": "1", "defaults": { "confidenceBands": [
                { "id": "high", "min": 0.8, "max": 1.0, "route": "auto-execute" },
                { "id": "low", "min": 0.0, "max": 0.7, "route": "review" } ] } }
            """, PolicyErrorCode.BandGap);
        AssertLocated(error, "$.defaults.confidenceBands[0]", "[0.7, 0.8)", 2);
    }

    [Fact]
    public void A_higher_band_that_is_more_restrictive_is_refused()
    {
        var error = Single("""
            { "id": "p", "version": "1", "defaults": { "confidenceBands": [
                { "id": "high", "min": 0.8, "max": 1.0, "route": "review" },
                { "id": "low", "min": 0.0, "max": 0.8, "route": "auto-execute" } ] } }
            """, PolicyErrorCode.NonMonotoneBands);
        AssertLocated(error, "$.defaults.confidenceBands[0].route", "review", 2);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    public void A_sampling_rate_outside_zero_to_one_is_named(string rate)
    {
        var error = Single($$"""
            { "id": "p", "version": "1",
              "actions": { "refund.issue": { "sampling": { "rate": {{rate}}, "mode": "flag" } } } }
            """, PolicyErrorCode.RateOutOfRange);
        AssertLocated(error, "$.actions['refund.issue'].sampling.rate", rate, 2);
    }

    [Fact]
    public void A_duplicate_rule_id_names_both_places()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "defaults": { "evidence": [ { "id": "weak", "below": 0.5 } ] },
              "actions": { "email.send": { "rules": [
                { "id": "weak", "when": { "field": "sensitive", "eq": true }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.DuplicateRuleId);
        AssertLocated(error, "$.actions['email.send'].rules[0].id", "\"weak\"", 4);
        Assert.Contains("$.defaults.evidence[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kill_switch_for_an_undeclared_action_type_is_named()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "actions": { "email.send": {} },
              "killSwitch": { "global": false, "actions": [ "email.send", "emial.send" ] } }
            """, PolicyErrorCode.UnknownActionType);
        AssertLocated(error, "$.killSwitch.actions[1]", "\"emial.send\"", 3);
    }

    [Fact]
    public void A_numeric_comparison_on_a_text_field_is_a_type_mismatch()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "fields": { "customer.segment": { "type": "text" } },
              "actions": { "loan.approve": { "rules": [
                { "id": "r", "when": { "field": "customer.segment", "gt": 5 }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.TypeMismatch);
        AssertLocated(error, "$.actions['loan.approve'].rules[0].when.gt", "5", 4);
        Assert.Contains("'customer.segment' is a text field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_compared_with_a_number_field_is_a_type_mismatch()
    {
        var error = Single("""
            { "id": "p", "version": "1",
              "fields": { "loan.term": { "type": "number" } },
              "actions": { "loan.approve": { "rules": [
                { "id": "r", "when": { "field": "loan.term", "eq": "long" }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.TypeMismatch);
        AssertLocated(error, "$.actions['loan.approve'].rules[0].when.eq", "\"long\"", 4);
    }

    [Fact]
    public void A_condition_that_loosens_as_confidence_falls_is_refused()
    {
        var error = Single("""
            { "id": "p", "version": "1", "actions": { "a": { "rules": [
                { "id": "r", "when": { "not": { "field": "confidence", "lt": 0.5 } }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.NonMonotoneCondition);
        AssertLocated(error, "$.actions.a.rules[0].when.not.lt", "0.5", 2);
    }

    [Fact]
    public void An_unknown_tier_is_named()
    {
        var error = Single("""
            { "id": "p", "version": "1", "tiers": ["agent", "senior"],
              "defaults": { "vulnerable": { "route": "review", "tier": "seniour" } } }
            """, PolicyErrorCode.UnknownTier);
        AssertLocated(error, "$.defaults.vulnerable.tier", "\"seniour\"", 2);
        Assert.Contains("agent, senior", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fail_open_setting_is_refused()
    {
        var error = Single("""
            { "id": "p", "version": "1", "onInvalidSignal": "auto-execute" }
            """, PolicyErrorCode.FailOpen);
        AssertLocated(error, "$.onInvalidSignal", "auto-execute", 1);
    }

    [Fact]
    public void A_timeout_that_would_approve_is_refused()
    {
        var error = Single("""
            { "id": "p", "version": "1", "defaults": { "review": { "onTimeout": "auto-execute" } } }
            """, PolicyErrorCode.FailOpen);
        AssertLocated(error, "$.defaults.review.onTimeout", "auto-execute", 1);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = Errors($$"""
            { "id": "p", "version": "1", "colour": "blue",
              "defaults": { {{Bands}}, "sampling": { "rate": 2 } },
              "actions": { "a": { "rules": [
                { "id": "high", "when": { "field": "nope", "eq": 1 }, "then": { "route": "review" } } ] } },
              "killSwitch": { "actions": ["b"] } }
            """);
        PolicyErrorCode[] expected =
            [PolicyErrorCode.UnknownProperty, PolicyErrorCode.RateOutOfRange, PolicyErrorCode.DuplicateRuleId, PolicyErrorCode.UnknownField, PolicyErrorCode.UnknownActionType];
        Assert.Equal(expected.Order(), errors.Select(e => e.Code).Order());
        var exception = Assert.Throws<PolicyValidationException>(() => PolicyCompiler.Compile(PolicyJson.Parse($$"""
            { "id": "p", "version": "1", "colour": "blue", "defaults": { "sampling": { "rate": 2 } } }
            """), Signals.Schema([])));
        Assert.Equal(2, exception.Errors.Count);
        Assert.Contains("$.colour", exception.Message, StringComparison.Ordinal);
        Assert.Contains("$.defaults.sampling.rate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_reports_line_and_position()
    {
        var exception = Assert.Throws<PolicyValidationException>(() => PolicyJson.Parse("""
            { "id": "p",
              "version": "1",
              "defaults": { "route": "review" ]
            }
            """));
        var error = Assert.Single(exception.Errors);
        Assert.Equal(PolicyErrorCode.MalformedJson, error.Code);
        Assert.Equal(3, error.Line);
        Assert.Equal(35, error.Column);
        Assert.Contains("line 3, column 35", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_json_type_reports_path_line_and_position()
    {
        var exception = Assert.Throws<PolicyValidationException>(() => PolicyJson.Parse("""
            { "id": "p", "version": "1",
              "defaults": { "sampling": { "rate": "five percent" } } }
            """));
        var error = Assert.Single(exception.Errors);
        Assert.Equal(PolicyErrorCode.MalformedJson, error.Code);
        Assert.Equal("$.defaults.sampling.rate", error.Path);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void An_unknown_route_name_reports_its_path()
    {
        var exception = Assert.Throws<PolicyValidationException>(() => PolicyJson.Parse("""
            { "id": "p", "version": "1", "defaults": { "route": "auto" } }
            """));
        var error = Assert.Single(exception.Errors);
        Assert.Equal("$.defaults.route", error.Path);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Builder_errors_name_the_path_the_builder_call_writes()
    {
        var exception = Assert.Throws<PolicyValidationException>(() => new PolicyBuilder("p", "1")
            .Action("refund.issue", a => a.Sample(1.5).ConfidenceBand("c", 0.9, 0.2, RouteLevel.Review))
            .Compile(Signals.Schema([])));
        Assert.Contains(exception.Errors, e => e.Path == "$.actions['refund.issue'].sampling.rate" && e.Value == "1.5" && e.Line is null);
        Assert.Contains(exception.Errors, e => e.Path == "$.actions['refund.issue'].confidenceBands[0]" && e.Value == "[0.9, 0.2]");
    }

    [Fact]
    public void A_declared_field_without_an_accessor_is_named()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1", "fields": { "loan.term": { "type": "number" } } }
            """);
        var schema = new SignalSchema<Signals>().ActionType(static (in Signals s) => s.ActionType);
        var error = Assert.Single(PolicyCompiler.Validate(definition, schema));
        Assert.Equal(PolicyErrorCode.MissingAccessor, error.Code);
        Assert.Equal("$.fields['loan.term']", error.Path);
        Assert.Equal("\"loan.term\"", error.Value);
    }

    [Fact]
    public void A_standard_signal_without_an_accessor_is_named()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1", "defaults": { "evidence": [ { "id": "weak", "below": 0.5 } ] } }
            """);
        var schema = new SignalSchema<Signals>().ActionType(static (in Signals s) => s.ActionType);
        var error = Assert.Single(PolicyCompiler.Validate(definition, schema));
        Assert.Equal(PolicyErrorCode.MissingAccessor, error.Code);
        Assert.Contains(".Evidence(...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rule_on_the_request_id_is_refused()
    {
        var error = Single("""
            { "id": "p", "version": "1", "actions": { "a": { "rules": [
                { "id": "r", "when": { "field": "requestId", "eq": "r-1" }, "then": { "route": "review" } } ] } } }
            """, PolicyErrorCode.InvalidValue);
        AssertLocated(error, "$.actions.a.rules[0].when.field", "\"requestId\"", 2);
    }

    [Fact]
    public void A_rule_on_the_action_type_reads_the_action_type()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1", "defaults": { "rules": [
                { "id": "mail", "when": { "field": "action", "in": ["email.send"] }, "then": { "route": "review" } } ] },
              "actions": { "email.send": {}, "refund.issue": {} } }
            """);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        Assert.Equal(RouteLevel.Review, policy.Route(new Signals { ActionType = "email.send", RequestId = "r", Reversibility = Reversibility.Reversible }).Route);
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(new Signals { ActionType = "refund.issue", RequestId = "email.send", Reversibility = Reversibility.Reversible }).Route);
    }
}
