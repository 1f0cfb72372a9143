using Hitl.Policy.Definition;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// Issue 10 item 3: a flag the host leaves out is not false. A left-out signal that a rule of the action type reads counts
/// as its riskiest value and flags the decision invalid, unless the policy declares a default; short-circuit evaluation
/// does not hide it.
/// </summary>
public class OmittedSignalTests
{
    private static readonly CompiledPolicy<Signals> Operations = OperationsPolicy.Compile();

    /// <summary>A clean e-mail: confident, reversible, few recipients, nothing legal or sensitive said.</summary>
    private static Signals Email(Action<Signals>? change = null)
    {
        var signals = new Signals
        {
            ActionType = "email.send", RequestId = "r-7", Confidence = 0.97, Evidence = 0.95, Category = "retail",
            Reversibility = Reversibility.Reversible, Sensitive = false, Vulnerable = false,
        };
        signals.Numbers["email.externalRecipients"] = 1;
        signals.Flags["email.mentionsLegal"] = false;
        change?.Invoke(signals);
        return signals;
    }

    [Fact]
    public void The_clean_email_auto_executes() => Assert.True(Operations.Route(Email()).MayAutoExecute);

    [Fact]
    public void An_email_with_sensitive_and_mentions_legal_left_out_does_not_auto_execute()
    {
        var decision = Operations.Route(Email(s =>
        {
            s.Sensitive = null;
            s.Flags.Remove("email.mentionsLegal");
        }));

        Assert.False(decision.MayAutoExecute, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.InvalidSignal) != 0);

        // Each counts as its riskiest value: the legal-language rule fires (escalate) and so does the sensitive gate.
        Assert.Equal(RouteLevel.Escalate, decision.Route);
        Assert.Contains("email.legal-language", decision.FiredRules.ToArray());
        Assert.Contains("email.send.sensitive", decision.FiredRules.ToArray());
    }

    [Fact]
    public void Routing_with_left_out_flags_allocates_nothing()
    {
        var inputs = new[]
        {
            Email(), Email(s => s.Sensitive = null), Email(s => s.Flags.Remove("email.mentionsLegal")),
            Email(s => { s.Sensitive = null; s.Flags.Remove("email.mentionsLegal"); }),
        };
        foreach (var input in inputs)
        {
            Operations.Route(input);
        }

        var stopped = 0;
        Assert.Equal(0, SteadyAllocation.Of(() =>
        {
            stopped = 0;
            for (var i = 0; i < 20_000; i++)
            {
                stopped += Operations.Route(inputs[i & 3]).MayAutoExecute ? 0 : 1;
            }
        }));
        Assert.Equal(15_000, stopped);
    }

    [Theory]
    [InlineData("sensitive")]
    [InlineData("email.mentionsLegal")]
    public void Each_left_out_flag_alone_is_named_as_the_invalid_signal(string left)
    {
        var decision = Operations.Route(Email(s =>
        {
            if (left == "sensitive")
            {
                s.Sensitive = null;
            }
            else
            {
                s.Flags.Remove(left);
            }
        }));

        Assert.False(decision.MayAutoExecute, decision.ToString());
        Assert.Equal(left, decision.InvalidSignal);
    }

    [Fact]
    public void A_flag_no_rule_of_the_action_type_reads_may_be_left_out()
    {
        // email.send reads neither customer.isNew nor tool.touchesProduction, which the clean e-mail leaves out.
        var email = Email();
        Assert.False(email.Flags.ContainsKey("customer.isNew") || email.Flags.ContainsKey("tool.touchesProduction"));
        var decision = Operations.Route(email);
        Assert.True(decision.MayAutoExecute, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.InvalidSignal) == 0);
    }

    [Fact]
    public void Declared_defaults_make_leaving_the_flags_out_safe_again()
    {
        var definition = OperationsPolicy.Definition();
        definition.SignalDefaults = new SignalDefaultsDefinition { Sensitive = false };
        definition.Fields!["email.mentionsLegal"].Default = ScalarValue.FromFlag(false);
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));

        var decision = policy.Route(Email(s =>
        {
            s.Sensitive = null;
            s.Flags.Remove("email.mentionsLegal");
        }));

        Assert.True(decision.MayAutoExecute, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.InvalidSignal) == 0);
        Assert.Equal(RouteLevel.Escalate, policy.Route(Email(s => s.Flags["email.mentionsLegal"] = true)).Route);
    }

    [Fact]
    public void The_builder_declares_defaults_too()
    {
        var definition = new PolicyBuilder("p", "1").FlagField("verified").FieldDefault("verified", true).SignalDefaults(sensitive: false)
            .Action("pay", a => a.Sensitive(RouteLevel.Review).Rule("unverified", Conditions.Field("verified").IsFalse(), RouteLevel.Block))
            .Build();
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));

        var decision = policy.Route(new Signals { ActionType = "pay", Reversibility = Reversibility.Reversible });

        Assert.Equal(RouteLevel.AutoExecute, decision.Route);
        Assert.Throws<InvalidOperationException>(() => new PolicyBuilder("p", "1").FieldDefault("nowhere", 1));
    }

    [Fact]
    public void Defaults_are_read_from_json_and_checked_against_the_field_type()
    {
        var definition = PolicyJson.Parse("""
            { "id": "p", "version": "1",
              "signalDefaults": { "sensitive": false, "vulnerable": true },
              "fields": { "a": { "type": "flag", "default": false }, "n": { "type": "number", "min": 0, "max": 5, "default": 9 },
                          "t": { "type": "text", "default": 3 } } }
            """);

        var errors = PolicyCompiler.Validate(definition);

        Assert.Equal(["$.fields.n.default", "$.fields.t.default"], errors.Select(e => e.Path).ToArray());
        Assert.Equal(new string?[] { "9", "3" }, errors.Select(e => e.Value).ToArray());
        var again = PolicyJson.Parse(PolicyJson.Serialize(definition));
        Assert.Equal((false, true), (again.SignalDefaults!.Sensitive, again.SignalDefaults.Vulnerable));
        Assert.Equal(ScalarValue.FromFlag(false), again.Fields!["a"].Default);
    }

    [Fact]
    public void A_left_out_flag_under_not_counts_as_the_value_that_makes_the_rule_apply()
    {
        var definition = new PolicyBuilder("p", "1").FlagField("verified")
            .Action("pay", a => a.Rule("unverified", Conditions.Not(Conditions.Field("verified").IsTrue()), RouteLevel.Block))
            .Build();
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        var pay = new Signals { ActionType = "pay", Reversibility = Reversibility.Reversible };

        var decision = policy.Route(pay);

        Assert.Equal((RouteLevel.Block, "unverified", "verified"), (decision.Route, decision.DecidedBy, decision.InvalidSignal));
        pay.Flags["verified"] = true;
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(pay).Route);
    }

    [Fact]
    public void Short_circuit_evaluation_does_not_hide_a_left_out_field_that_a_rule_needs()
    {
        // all(amount >= 25000, applicant.income < 50000): a small loan skips the income comparison, but the income is still read.
        var definition = new PolicyBuilder("p", "1").NumberField("applicant.income", 0).FlagField("customer.isNew").TextField("tool.name", required: true)
            .Action("loan", a => a
                .Rule("big-loan-low-income", Conditions.All(Conditions.Field("amount").AtLeast(25_000), Conditions.Field("applicant.income").LessThan(50_000)), RouteLevel.Review)
                .Rule("new-and-tool", Conditions.Any(Conditions.Field("amount").AtLeast(1e9), Conditions.Field("customer.isNew").IsTrue()), RouteLevel.Review)
                .Rule("tool", Conditions.All(Conditions.Field("amount").AtLeast(1e9), Conditions.Field("tool.name").EqualTo("shell")), RouteLevel.Block))
            .Build();
        var policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        Signals Loan(Action<Signals> change)
        {
            var signals = new Signals { ActionType = "loan", Amount = 100, Reversibility = Reversibility.Reversible };
            signals.Numbers["applicant.income"] = 80_000;
            signals.Flags["customer.isNew"] = false;
            signals.Texts["tool.name"] = "read_logs";
            change(signals);
            return signals;
        }

        Assert.True(policy.Route(Loan(_ => { })).MayAutoExecute);
        foreach (var (left, change) in new (string, Action<Signals>)[]
                 {
                     ("applicant.income", s => s.Numbers.Remove("applicant.income")),
                     ("customer.isNew", s => s.Flags.Remove("customer.isNew")),
                     ("tool.name", s => s.Texts.Remove("tool.name")),
                 })
        {
            var decision = policy.Route(Loan(change));
            Assert.False(decision.MayAutoExecute, left + ": " + decision);
            Assert.Equal(left, decision.InvalidSignal);
        }
    }

    [Fact]
    public void A_host_with_a_plain_bool_accessor_always_gives_the_flag()
    {
        var definition = OperationsPolicy.Definition();
        var schema = new SignalSchema<Signals>()
            .ActionType((in Signals s) => s.ActionType)
            .Confidence((in Signals s) => s.Confidence)
            .Evidence((in Signals s) => s.Evidence)
            .Amount((in Signals s) => s.Amount)
            .Risk((in Signals s) => s.Risk)
            .Category((in Signals s) => s.Category)
            .Reversibility((in Signals s) => s.Reversibility)
            .Sensitive((in Signals s) => s.Sensitive ?? false)
            .Vulnerable((in Signals s) => s.Vulnerable ?? false);
        foreach (var (name, field) in definition.Fields!)
        {
            _ = field.Type switch
            {
                FieldType.Number => schema.Number(name, (in Signals s) => s.Numbers.TryGetValue(name, out var v) ? v : double.NaN),
                FieldType.Text => schema.Text(name, (in Signals s) => s.Texts.GetValueOrDefault(name)),
                _ => schema.Flag(name, (in Signals s) => s.Flags.GetValueOrDefault(name)),
            };
        }

        var policy = PolicyCompiler.Compile(definition, schema);
        Assert.True(policy.Route(Email(s => s.Sensitive = null)).MayAutoExecute);
    }
}
