namespace Hitl.Policy.Review;

/// <summary>Why a case escalated.</summary>
public enum EscalationCause
{
    /// <summary>The policy routed the decision to escalate.</summary>
    Policy,

    /// <summary>A reviewer sent the case to the next tier.</summary>
    Reviewer,

    /// <summary>A review passed its deadline and the policy's fallback is escalate.</summary>
    Timeout,
}
