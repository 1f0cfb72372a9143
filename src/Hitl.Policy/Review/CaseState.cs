namespace Hitl.Policy.Review;

/// <summary>Where a case stands.</summary>
public enum CaseState
{
    /// <summary>Waiting for reviewers.</summary>
    Pending,

    /// <summary>Ran without a person (auto-execute or auto-execute with notice). Open to override, reversal and contest.</summary>
    AutoExecuted,

    /// <summary>Approved by enough reviewers (as it was, or edited). Open to reversal and contest.</summary>
    Approved,

    /// <summary>Rejected by a reviewer. Open to contest.</summary>
    Rejected,

    /// <summary>Blocked by the policy or by a review that timed out. Open to contest.</summary>
    Blocked,

    /// <summary>An auto-executed decision overridden by a person. Closed.</summary>
    Overridden,

    /// <summary>An executed action reversed through the compensation hook. Closed.</summary>
    Reversed,

    /// <summary>
    /// Approved, but a kill switch covers its action type: not executed. It executes when the switch is released,
    /// unless a reviewer rejects it first.
    /// </summary>
    Held,
}
