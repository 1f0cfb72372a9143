using Hitl.Policy.Review;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>
/// Who may see which case in the inbox. A reviewer sees a case when they hold the gate's reviewer role, are neither its
/// requester nor its subject, and either hold its tier (or a higher one) or acted on it before. Everyone else is told
/// the case does not exist. The gate still checks every act; this only decides what is shown.
/// </summary>
internal static class InboxAccess
{
    public static bool MaySee(IReviewGate gate, Reviewer reviewer, CaseRecord c)
    {
        if (!reviewer.HasRole(gate.ReviewerRole)
            || string.Equals(c.Requester, reviewer.Id, StringComparison.Ordinal)
            || string.Equals(c.Subject, reviewer.Id, StringComparison.Ordinal))
        {
            return false;
        }

        return HoldsTier(reviewer, c) || c.History.Any(e => string.Equals(e.Actor, reviewer.Id, StringComparison.Ordinal));
    }

    /// <summary>Whether the reviewer's tier is the case's tier or above it, by the case's own list of tiers.</summary>
    public static bool HoldsTier(Reviewer reviewer, CaseRecord c)
    {
        var mine = -1;
        for (var i = 0; i < c.Tiers.Count; i++)
        {
            if (string.Equals(c.Tiers[i], reviewer.Tier, StringComparison.Ordinal))
            {
                mine = i;
            }
        }

        return mine >= 0 && c.Tier <= mine;
    }

    /// <summary>The queue of a reviewer: what they may decide, nearest deadline first.</summary>
    public static CaseQuery Queue(IReviewGate gate, Reviewer reviewer, QueueFilter filter, int limit) => new()
    {
        States = [filter.State],
        ActionType = filter.ActionType,
        RequiredTiers = gate.TiersUpTo(reviewer.Tier),
        NotInvolving = reviewer.Id,
        OrderBy = CaseOrder.Deadline,
        Limit = limit,
        After = filter.After,
    };
}
