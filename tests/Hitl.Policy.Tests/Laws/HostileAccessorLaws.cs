using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Definition;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Laws;

/// <summary>
/// DESIGN semantics 3 against hostile hosts: whatever each accessor does (a normal value, an extreme one, NaN, null or an
/// exception), no exception escapes <c>Route()</c>, and a decision that reports a fault or an invalid signal never runs on its own.
/// </summary>
public class HostileAccessorLaws
{
    /// <summary>What one accessor does when it is called.</summary>
    public enum Behaviour
    {
        Normal,
        Extreme,
        NaN,
        Null,
        Throw,
    }

    /// <summary>The context: one behaviour per accessor (standard signals first, then the policy's host fields), and a seed for values.</summary>
    public sealed record Script(Behaviour[] Behaviours, int Seed, string Action);

    private static readonly PolicyDefinition Definition = OperationsPolicy.Definition();

    private static readonly (string Name, FieldType Type)[] HostFields =
        [.. Definition.Fields!.Select(f => (f.Key, f.Value.Type)).OrderBy(f => f.Key, StringComparer.Ordinal)];

    private const int StandardCount = 10;

    private static readonly CompiledPolicy<Script> Policy = PolicyCompiler.Compile(Definition, HostileSchema());

    private static Gen<Script> Scripts { get; } =
        from behaviours in Gen.ArrayOf(Gen.Frequency(
                (6, Gen.Constant(Behaviour.Normal)), (1, Gen.Constant(Behaviour.Extreme)), (1, Gen.Constant(Behaviour.NaN)),
                (1, Gen.Constant(Behaviour.Null)), (1, Gen.Constant(Behaviour.Throw))),
            StandardCount + HostFields.Length)
        from seed in Gen.Choose(0, int.MaxValue)
        from action in Gen.Elements([.. OperationsPolicy.ActionTypes, "unknown.action"])
        select new Script(behaviours, seed, action);

    public static class Inputs
    {
        public static Arbitrary<Script> Scripts() => HostileAccessorLaws.Scripts.ToArbitrary();
    }

    [Property(MaxTest = 3000, QuietOnSuccess = true, Arbitrary = [typeof(Inputs)])]
    public void No_exception_escapes_Route_and_a_faulted_decision_never_runs_on_its_own(Script script)
    {
        Decision decision;
        try
        {
            decision = Policy.Route(script);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"Route() threw for {Show(script)}", ex);
        }

        if ((decision.Flags & (DecisionFlags.RuleFault | DecisionFlags.InvalidSignal)) != 0)
        {
            Assert.False(decision.MayAutoExecute, $"{decision} for {Show(script)}");
        }

        var anyThrow = script.Behaviours.Contains(Behaviour.Throw);
        if (!anyThrow)
        {
            Assert.True((decision.Flags & DecisionFlags.RuleFault) == 0, $"{decision} for {Show(script)}");
        }
    }

    [Theory]
    [InlineData(0)] // the action type accessor
    [InlineData(1)] // the request id accessor
    public void A_throwing_action_type_or_request_id_accessor_fails_closed_with_a_rule_fault(int accessor)
    {
        var behaviours = Enumerable.Repeat(Behaviour.Normal, StandardCount + HostFields.Length).ToArray();
        behaviours[accessor] = Behaviour.Throw;
        var allClear = new Script([.. Enumerable.Repeat(Behaviour.Normal, behaviours.Length)], 7, "refund.issue");
        Assert.True(Policy.Route(allClear).MayAutoExecute, "the clean refund auto-executes (sampled at most)");

        var decision = Policy.Route(allClear with { Behaviours = behaviours });

        Assert.False(decision.MayAutoExecute, decision.ToString());
        Assert.True((decision.Flags & DecisionFlags.RuleFault) != 0, decision.ToString());
    }

    private static string Show(Script script) =>
        $"{script.Action} seed {script.Seed}: " + string.Join(", ", script.Behaviours.Select((b, i) => Name(i) + "=" + b));

    private static string Name(int index) => index < StandardCount ? StandardSignals.Names[index] : HostFields[index - StandardCount].Name;

    private static SignalSchema<Script> HostileSchema()
    {
        var schema = new SignalSchema<Script>()
            .ActionType((in Script s) => Text(s, StandardSignals.ActionIndex, s.Action))
            .RequestId((in Script s) => Text(s, StandardSignals.RequestIdIndex, "req-" + s.Seed))
            .Confidence((in Script s) => Number(s, StandardSignals.ConfidenceIndex, 0.99))
            .Risk((in Script s) => Number(s, StandardSignals.RiskIndex, 0.01))
            .Evidence((in Script s) => Number(s, StandardSignals.EvidenceIndex, 0.99))
            .Amount((in Script s) => Number(s, StandardSignals.AmountIndex, 10))
            .Category((in Script s) => Text(s, StandardSignals.CategoryIndex, "retail"))
            .Reversibility((in Script s) => s.Behaviours[StandardSignals.ReversibilityIndex] switch
            {
                Behaviour.Normal => Reversibility.Reversible,
                Behaviour.Throw => throw new InvalidOperationException("reversibility down"),
                Behaviour.Extreme => (Reversibility)255,
                _ => (Reversibility)3,
            })
            .Sensitive((in Script s) => Flag(s, StandardSignals.SensitiveIndex))
            .Vulnerable((in Script s) => Flag(s, StandardSignals.VulnerableIndex));
        for (var i = 0; i < HostFields.Length; i++)
        {
            var index = StandardCount + i;
            _ = HostFields[i].Type switch
            {
                FieldType.Number => schema.Number(HostFields[i].Name, (in Script s) => Number(s, index, 0)),
                FieldType.Text => schema.Text(HostFields[i].Name, (in Script s) => Text(s, index, "retail")),
                _ => schema.Flag(HostFields[i].Name, (in Script s) => Flag(s, index)),
            };
        }

        return schema;
    }

    private static double Number(in Script s, int index, double normal) => s.Behaviours[index] switch
    {
        Behaviour.Normal => normal,
        Behaviour.Extreme => ((s.Seed >> (index % 16)) & 3) switch
        {
            0 => double.MaxValue,
            1 => double.NegativeInfinity,
            2 => -0.0,
            _ => double.Epsilon,
        },
        Behaviour.Throw => throw new InvalidOperationException("number down"),
        _ => double.NaN,
    };

    private static string? Text(in Script s, int index, string normal) => s.Behaviours[index] switch
    {
        Behaviour.Normal => normal,
        Behaviour.Extreme => (s.Seed & 1) == 0 ? "" : new string('\uD800', 3),
        Behaviour.Throw => throw new InvalidOperationException("text down"),
        _ => null,
    };

    /// <summary>A flag the host may leave out (null), as <see cref="Signals"/> reads them; NaN stands for a plain bool here.</summary>
    private static bool? Flag(in Script s, int index) => s.Behaviours[index] switch
    {
        Behaviour.Normal => false,
        Behaviour.Extreme => true,
        Behaviour.Throw => throw new InvalidOperationException("flag down"),
        Behaviour.Null => null,
        _ => (s.Seed & 2) != 0,
    };
}
