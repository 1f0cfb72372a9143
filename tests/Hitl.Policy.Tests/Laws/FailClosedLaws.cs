using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>DESIGN semantics 3 and 5: invalid signals and kill switches never yield auto-execute.</summary>
public class FailClosedLaws
{
    private static readonly CompiledPolicy<Signals> Policy = OperationsPolicy.Compile();

    private static readonly Gen<double> BadUnit = Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.01, 1.01, -5, 42);

    private static readonly Gen<double> BadAmount = Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.01, -1000);

    /// <summary>For each action type, signals its plan reads, and how to spoil each.</summary>
    private static readonly (string Action, string Signal, Func<OperationsCase, double, Signals> Spoil)[] Spoilers =
    [
        .. OperationsPolicy.ActionTypes.Select(a => (a, "confidence", Spoil((c, v) => c.ToSignals().With(s => s.Confidence = v)))),
        .. OperationsPolicy.ActionTypes.Select(a => (a, "evidence", Spoil((c, v) => c.ToSignals().With(s => s.Evidence = v)))),
        ("loan.approve", "amount", Spoil((c, v) => c.ToSignals().With(s => s.Amount = v))),
        ("refund.issue", "amount", Spoil((c, v) => c.ToSignals().With(s => s.Amount = v))),
        ("agent.tool-call", "risk", Spoil((c, v) => c.ToSignals().With(s => s.Risk = v))),
        ("loan.approve", "applicant.debtRatio", Spoil((c, v) => c.ToSignals().With(s => s.Numbers["applicant.debtRatio"] = v))),
        ("loan.approve", "fraud.signal", Spoil((c, v) => c.ToSignals().With(s => s.Numbers["fraud.signal"] = v))),
        ("refund.issue", "customer.chargebacks", Spoil((c, v) => c.ToSignals().With(s => s.Numbers["customer.chargebacks"] = double.IsFinite(v) ? -1 - Math.Abs(v) : v))),
        ("email.send", "email.externalRecipients", Spoil((c, v) => c.ToSignals().With(s => s.Numbers["email.externalRecipients"] = double.IsFinite(v) ? -1 - Math.Abs(v) : v))),
    ];

    private readonly KillSwitch _killSwitch = new();

    private readonly CompiledPolicy<Signals> _switchedPolicy;

    public FailClosedLaws() => _switchedPolicy = OperationsPolicy.Compile(_killSwitch);

    public static class Inputs
    {
        /// <summary>A case of one action type with one signal its plan reads spoiled: the spoiled signal, its bad value, how to spoil it.</summary>
        public static Arbitrary<(OperationsCase Case, string Signal, double Bad, Func<OperationsCase, double, Signals> Spoil)> Spoiled() =>
            (from c in CaseGen.Case()
             from spoiler in Gen.Elements(Spoilers)
             from bad in spoiler.Signal == "amount" ? BadAmount : BadUnit
             select (Case: c with { Action = spoiler.Action }, spoiler.Signal, Bad: bad, spoiler.Spoil)).ToArbitrary();

        /// <summary>A case and whether the kill switch engaged is the global one (else the case's action type's).</summary>
        public static Arbitrary<(OperationsCase Case, bool Global)> Switched() =>
            (from c in CaseGen.Case() from global in Gen.Elements(true, false) select (Case: c, Global: global)).ToArbitrary();
    }

    public static class ToolCalls
    {
        public static Arbitrary<OperationsCase> Cases() => CaseGen.Arbitrary("agent.tool-call");
    }

    public static class UnknownActions
    {
        public static Arbitrary<OperationsCase> Cases() => CaseGen.Arbitrary("payroll.change", "unknown.action");
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(Inputs)])]
    public void An_invalid_number_never_auto_executes_and_is_named(
        (OperationsCase Case, string Signal, double Bad, Func<OperationsCase, double, Signals> Spoil) t)
    {
        var decision = Policy.Route(t.Spoil(t.Case, t.Bad));
        Assert.False(decision.MayAutoExecute, $"{decision} for {t.Signal}={t.Bad} in {t.Case}");
        Assert.True((decision.Flags & DecisionFlags.InvalidSignal) != 0, decision.ToString());
        Assert.Equal(t.Signal, decision.InvalidSignal);
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(ToolCalls)])]
    public void A_missing_required_text_field_never_auto_executes_and_is_named(OperationsCase c)
    {
        var signals = c.ToSignals();
        signals.Texts.Remove("tool.name");
        var decision = Policy.Route(signals);
        Assert.False(decision.MayAutoExecute, decision.ToString());
        Assert.Equal("tool.name", decision.InvalidSignal);
    }

    [Fact]
    public void A_missing_action_type_never_auto_executes_and_is_named()
    {
        var decision = Policy.Route(new Signals { Confidence = 0.99, Evidence = 1, Reversibility = Reversibility.Reversible });
        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal("action", decision.InvalidSignal);
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(UnknownActions)])]
    public void An_unknown_action_type_goes_to_a_person(OperationsCase c)
    {
        var decision = Policy.Route(c.ToSignals());
        Assert.True(decision.Route >= RouteLevel.Review, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.UnknownActionType) != 0);
        Assert.Equal("*", decision.ActionType);
    }

    [Property(MaxTest = CaseGen.Thorough, QuietOnSuccess = true, Arbitrary = [typeof(Inputs)])]
    public void While_a_kill_switch_is_on_nothing_auto_executes((OperationsCase Case, bool Global) t)
    {
        var scope = t.Global ? null : t.Case.Action;
        _killSwitch.Engage(scope, "ops-lead", "incident 42");
        try
        {
            var decision = _switchedPolicy.Route(t.Case.ToSignals());
            Assert.False(decision.MayAutoExecute, decision.ToString());
            Assert.True((decision.Flags & DecisionFlags.KillSwitchActive) != 0);
        }
        finally
        {
            _killSwitch.Release(scope, "ops-lead", "incident 42 closed");
        }
    }

    [Fact]
    public void The_kill_switch_of_one_action_type_leaves_the_others_alone()
    {
        var killSwitch = new KillSwitch();
        var policy = OperationsPolicy.Compile(killSwitch);
        var changes = new List<KillSwitchChange>();
        killSwitch.Changed += (_, change) => changes.Add(change);
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var refund = new OperationsCase("refund.issue", "r-1", 0.99, 0.99, 10, 0, 0, 0, 0, 90_000, 0, 0, "retail", "retail", "read_logs",
            Reversibility.Reversible, false, false, false, false, false);
        var email = refund with { Action = "email.send" };
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(refund.ToSignals()).Route);

        killSwitch.Engage("refund.issue", "ops-lead", "refund model drift");

        Assert.Equal(RouteLevel.Review, policy.Route(refund.ToSignals()).Route);
        Assert.Equal(BuiltInRules.KillSwitch, policy.Route(refund.ToSignals()).DecidedBy);
        Assert.Equal(RouteLevel.AutoExecute, policy.Route(email.ToSignals()).Route);
        var change = Assert.Single(changes);
        Assert.Equal(("refund.issue", true, "ops-lead", "refund model drift"), (change.ActionType, change.Engaged, change.Actor, change.Reason));
    }

    [Fact]
    public void A_host_accessor_that_throws_fails_closed_and_names_the_rule()
    {
        var definition = OperationsPolicy.Definition();
        var schema = Signals.SchemaFor(definition);
        var throwing = Signals.Schema([]);
        foreach (var name in schema.FieldNames)
        {
            var type = definition.Fields![name].Type;
            _ = type switch
            {
                FieldType.Number => throwing.Number(name, (in Signals s) => name == "customer.chargebacks" ? throw new InvalidOperationException("CRM down") : s.Numbers[name]),
                FieldType.Text => throwing.Text(name, (in Signals s) => s.Texts[name]),
                _ => throwing.Flag(name, (in Signals s) => s.Flags[name]),
            };
        }

        var policy = PolicyCompiler.Compile(definition, throwing);
        var refund = new OperationsCase("refund.issue", "r-1", 0.99, 0.99, 10, 0, 0, 0, 0, 90_000, 0, 0, "retail", "retail", "read_logs",
            Reversibility.Reversible, false, false, false, false, false);

        var decision = policy.Route(refund.ToSignals());

        Assert.Equal(RouteLevel.Review, decision.Route);
        Assert.Equal("refund.chargeback-history", decision.DecidedBy);
        Assert.True((decision.Flags & DecisionFlags.RuleFault) != 0);
        var trace = policy.Explain(refund.ToSignals());
        Assert.Contains("CRM down", trace.Rules.Single(r => r.RuleId == "refund.chargeback-history").Fault, StringComparison.Ordinal);
    }

    private static Func<OperationsCase, double, Signals> Spoil(Func<OperationsCase, double, Signals> spoil) => spoil;
}

internal static class SignalsExtensions
{
    public static Signals With(this Signals signals, Action<Signals> change)
    {
        change(signals);
        return signals;
    }
}
