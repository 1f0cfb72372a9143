using Hitl.Policy.Cli.Cases;

namespace Hitl.Policy.Cli.Tests.Cases;

public class CaseReaderTests
{
    private static readonly CaseSchema Schema = new(PolicyJson.Load(Cli.Operations));

    [Fact]
    public void Every_standard_signal_maps_onto_its_property()
    {
        var signals = CaseReader.Parse("""
            { "action": "loan.approve", "requestId": "req-7", "confidence": 0.91, "risk": 0.2, "evidence": 0.8, "amount": 1500.5,
              "category": "credit", "reversibility": "costly-to-reverse", "sensitive": true, "vulnerable": true }
            """, Schema);

        Assert.Equal("loan.approve", signals.ActionType);
        Assert.Equal("req-7", signals.RequestId);
        Assert.Equal(0.91, signals.Confidence);
        Assert.Equal(0.2, signals.Risk);
        Assert.Equal(0.8, signals.Evidence);
        Assert.Equal(1500.5, signals.Amount);
        Assert.Equal("credit", signals.Category);
        Assert.Equal(Reversibility.CostlyToReverse, signals.Reversibility);
        Assert.True(signals.Sensitive);
        Assert.True(signals.Vulnerable);
    }

    [Fact]
    public void A_left_out_flag_is_left_out_not_false_and_the_email_it_would_pass_stops_for_a_person()
    {
        // Issue 10 item 3: sensitive and email.mentionsLegal left out used to read as false and auto-execute.
        var json = """
            { "action": "email.send", "requestId": "r-1", "confidence": 0.97, "evidence": 0.95, "category": "retail",
              "reversibility": "reversible", "vulnerable": false, "fields": { "email.externalRecipients": 1 } }
            """;
        var signals = CaseReader.Parse(json, Schema);
        Assert.Null(signals.Sensitive);
        Assert.False(signals.Flags.ContainsKey("email.mentionsLegal"));

        var definition = PolicyJson.Load(Cli.Operations);
        var decision = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition)).Route(signals);

        Assert.False(decision.MayAutoExecute, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.InvalidSignal) != 0);

        var result = Cli.RunWithInput(json.ReplaceLineEndings(" ") + "\n", "route", "--policy", Cli.Operations, "--cases", "-");
        Assert.Contains("\"invalidSignal\":", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\"route\":\"auto-execute\"", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_fields_are_typed_by_the_policys_declarations()
    {
        var signals = CaseReader.Parse("""
            { "fields": { "applicant.income": 52000, "customer.segment": "business", "customer.isNew": true, "tool.name": null } }
            """, Schema);

        Assert.Equal(52000, signals.Numbers["applicant.income"]);
        Assert.Equal("business", signals.Texts["customer.segment"]);
        Assert.True(signals.Flags["customer.isNew"]);
        Assert.False(signals.Texts.ContainsKey("tool.name"));
    }

    [Fact]
    public void What_is_not_given_stays_at_the_fail_closed_defaults()
    {
        var signals = CaseReader.Parse("{ \"action\": \"email.send\", \"confidence\": null }", Schema);

        Assert.True(double.IsNaN(signals.Confidence));
        Assert.True(double.IsNaN(signals.Amount));
        Assert.Equal(Reversibility.Irreversible, signals.Reversibility);
        Assert.Null(signals.Sensitive);
        Assert.Null(signals.Vulnerable);
    }

    [Theory]
    [InlineData("{ \"confidence\": \"0.9\" }", "confidence: expected a number; got the string \"0.9\" (the only strings read as numbers are \"NaN\", \"Infinity\" and \"-Infinity\")")]
    [InlineData("{ \"amount\": [1] }", "amount: expected a number; got an array")]
    [InlineData("{ \"action\": 7 }", "action: expected a string; got the number 7")]
    [InlineData("{ \"sensitive\": \"yes\" }", "sensitive: expected true or false; got the string \"yes\"")]
    [InlineData("{ \"reversibility\": \"costlyToReverse\" }", "reversibility: expected one of \"reversible\", \"costly-to-reverse\", \"irreversible\"; got the string \"costlyToReverse\"")]
    [InlineData("{ \"fields\": { \"applicant.income\": \"high\" } }", "fields['applicant.income']: expected a number (the policy declares it a number); got the string \"high\" (the only strings read as numbers are \"NaN\", \"Infinity\" and \"-Infinity\")")]
    [InlineData("{ \"fields\": { \"customer.isNew\": 1 } }", "fields['customer.isNew']: expected true or false (the policy declares it a flag); got the number 1")]
    [InlineData("{ \"fields\": { \"customer.segment\": false } }", "fields['customer.segment']: expected a string (the policy declares it text); got false")]
    [InlineData("{ \"fields\": { \"amount\": 5 } }", "fields['amount']: 'amount' is a standard signal; give it at the top level of the case")]
    [InlineData("{ \"fields\": [] }", "fields: an object of host field values; got an array")]
    [InlineData("{ \"confidence\": 0.9, \"confidence\": 0.1 }", "confidence: given twice")]
    [InlineData("[1, 2]", "a case is a JSON object; got an array")]
    public void A_value_that_does_not_fit_names_the_property_and_the_value(string json, string message)
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse(json, Schema));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void An_unknown_top_level_property_lists_the_signals()
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse("{ \"confidance\": 0.9 }", Schema));

        Assert.Equal("confidance", ex.Path);
        Assert.Contains("not a signal (did you mean 'confidence'?); a case has action, requestId, confidence,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_the_policy_does_not_declare_is_refused()
    {
        var schema = new CaseSchema(PolicyJson.Parse("{ \"id\": \"p\", \"version\": \"1\" }"));

        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse("{ \"fields\": { \"x\": 1 } }", schema));

        Assert.Equal("fields['x']: the policy declares no host fields", ex.Message);
    }

    [Fact]
    public void Text_that_is_not_json_names_the_column()
    {
        var ex = Assert.Throws<CaseFormatException>(() => CaseReader.Parse("{\"action\": loan}", Schema));

        Assert.StartsWith("not valid JSON:", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("(column 12)", ex.Message, StringComparison.Ordinal);
    }
}
