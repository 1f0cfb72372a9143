namespace Hitl.Policy;

/// <summary>Facts about a <see cref="Decision"/> beyond its route.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The design vocabulary calls these the decision's flags.")]
public enum DecisionFlags : ushort
{
    /// <summary>Nothing special.</summary>
    None = 0,

    /// <summary>The request was drawn by the deterministic audit sample (by request id).</summary>
    SampledForAudit = 1 << 0,

    /// <summary>A kill switch (global or for this action type) was on: nothing auto-executes.</summary>
    KillSwitchActive = 1 << 1,

    /// <summary>A signal was NaN, infinite, out of range or missing; <see cref="Decision.InvalidSignal"/> names it.</summary>
    InvalidSignal = 1 << 2,

    /// <summary>The action type is not declared in the policy; the policy's unknown-action route applied.</summary>
    UnknownActionType = 1 << 3,

    /// <summary>A host accessor threw while a rule was evaluated; <see cref="Decision.DecidedBy"/> names the rule.</summary>
    RuleFault = 1 << 4,

    /// <summary>An irreversible action was raised from notice-only to review: notice needs a way back.</summary>
    IrreversibleRaised = 1 << 5,

    /// <summary>More rules fired than <see cref="FiredRuleSet"/> can list (it holds the first 128 of an action type); use Explain for all.</summary>
    FiredRulesTruncated = 1 << 6,
}
