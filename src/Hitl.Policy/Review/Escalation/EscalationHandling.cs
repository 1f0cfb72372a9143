namespace Hitl.Policy.Review;

/// <summary>What an <see cref="IEscalationHandler"/> says about the rest of the chain.</summary>
public enum EscalationHandling
{
    /// <summary>Later handlers run too.</summary>
    Continue,

    /// <summary>The escalation is taken care of: later handlers do not run.</summary>
    Stop,
}
