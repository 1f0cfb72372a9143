namespace Hitl.Policy.Review;

/// <summary>Why a ticket went to the review sink.</summary>
public enum TicketReason
{
    /// <summary>The policy routed the decision to review.</summary>
    Review,

    /// <summary>The case needs a higher tier (policy, reviewer or timeout).</summary>
    Escalated,

    /// <summary>The affected person contested the outcome.</summary>
    Contested,

    /// <summary>The decision allowed notice-only, but the notice could not be delivered.</summary>
    NoticeFailed,

    /// <summary>The decision allowed auto-execute, but a kill switch covering its action type was engaged at submit.</summary>
    KillSwitch,
}
