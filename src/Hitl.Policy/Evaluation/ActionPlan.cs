using Hitl.Policy.Definition;

namespace Hitl.Policy.Evaluation;

/// <summary>The standard signals an action plan reads at the start of each call.</summary>
[Flags]
internal enum SignalReads : ushort
{
    None = 0,
    Confidence = 1 << 0,
    Risk = 1 << 1,
    Evidence = 1 << 2,
    Amount = 1 << 3,
    Category = 1 << 4,
    Reversibility = 1 << 5,
    Sensitive = 1 << 6,
    Vulnerable = 1 << 7,
}

/// <summary>A weighted risk factor: a host numeric field in [0, 1].</summary>
internal readonly record struct RiskFactor<TContext>(NumberAccessor<TContext> Accessor, int SignalIndex, string Name, double Weight);

/// <summary>Everything <c>Route()</c> needs for one action type, resolved when the policy is compiled.</summary>
internal sealed class ActionPlan<TContext>
{
    public required ActionRuleTable Names { get; init; }

    public required CompiledRule<TContext>[] Rules { get; init; }

    public required RouteLevel Floor { get; init; }

    public required Effect Review { get; init; }

    public required Effect Escalate { get; init; }

    public required SignalReads Reads { get; init; }

    public required RiskFactor<TContext>[] RiskFactors { get; init; }

    public required double RiskWeightTotal { get; init; }

    public required double SampleRate { get; init; }

    public required ulong SampleThreshold { get; init; }

    public required ulong SampleSalt { get; init; }

    public required SamplingMode SampleMode { get; init; }

    /// <summary>Whether the plan samples automatic decisions for audit at all; set by <see cref="Prepare"/>.</summary>
    public bool Samples { get; private set; }

    public required bool KilledByPolicy { get; init; }

    /// <summary>Presence checks of host fields that some rule may skip, with the first rule that reads each (for fault attribution).</summary>
    public FieldCheck<TContext>[] Checks { get; init; } = [];

    public int[] CheckRules { get; init; } = [];

    /// <summary>The policy's value for a left-out <c>sensitive</c>; null when it declares none.</summary>
    public bool? SensitiveDefault { get; init; }

    /// <summary>The policy's value for a left-out <c>vulnerable</c>; null when it declares none.</summary>
    public bool? VulnerableDefault { get; init; }


    /// <summary>How <c>Route()</c> evaluates <see cref="Rules"/>; built by <see cref="Prepare"/> when the policy is constructed.</summary>
    public EvaluationProgram<TContext> Program { get; private set; } = null!;

    public void Prepare()
    {
        Program = EvaluationProgram<TContext>.Build(Rules, Names.ActionType == PolicyCompilation<TContext>.UnknownActionName ? null : Names.ActionType);
        Samples = SampleRate > 0;
    }
}
