using Hitl.Policy.Audit;

namespace Hitl.Policy.Quickstart;

/// <summary>What the audit trail says happened, counted from its records (so the numbers printed are the trail's).</summary>
internal sealed class TrailSummary
{
    public static readonly RouteLevel[] Routes = Enum.GetValues<RouteLevel>();
    public static readonly ActKind[] ReviewActs = [ActKind.Approved, ActKind.Edited, ActKind.Rejected, ActKind.Escalated, ActKind.AuditPassed, ActKind.AuditFailed];

    public SortedDictionary<string, Dictionary<RouteLevel, int>> RoutesByAction { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> SampledByAction { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Tier, ActKind Act), int> ActsByTier { get; } = [];

    public Dictionary<RouteLevel, int> TimeoutFallbacks { get; } = [];

    public HashSet<string> EscalatedAtDecision { get; } = new(StringComparer.Ordinal);

    public HashSet<string> EscalatedByReviewer { get; } = new(StringComparer.Ordinal);

    public HashSet<string> EscalatedByTimeout { get; } = new(StringComparer.Ordinal);

    public List<AuditRecord> KillSwitchRecords { get; } = [];

    /// <summary>Approvals the kill switch held instead of running.</summary>
    public int Held { get; private set; }

    /// <summary>Held approvals that ran once the switch was released.</summary>
    public int HeldThenRan { get; private set; }

    public List<AuditRecord> Contests { get; } = [];

    public int Decisions { get; private set; }

    /// <summary>Decisions for an action type while its kill switch was on: how many, and how many ran on their own (must be none).</summary>
    public (int Decisions, int AutoExecuted) UnderKillSwitch { get; private set; }

    /// <summary>The acts on the contested case after the contest.</summary>
    public List<AuditRecord> AfterContest { get; } = [];

    public long Records { get; private set; }

    public static TrailSummary From(IEnumerable<AuditRecord> records)
    {
        var summary = new TrailSummary();
        foreach (var record in records)
        {
            summary.Add(record);
        }

        return summary;
    }

    public int Count(RouteLevel route) => RoutesByAction.Values.Sum(r => r.GetValueOrDefault(route));

    private void Add(AuditRecord record)
    {
        Records++;
        var entry = record.Entry;
        if (Contests.Count > 0 && string.Equals(entry.CaseId, Contests[0].Entry.CaseId, StringComparison.Ordinal))
        {
            AfterContest.Add(record);
        }

        if (KillSwitchRecords.Count == 1 && entry.Act == ActKind.Decided && string.Equals(entry.ActionType, KillSwitchRecords[0].Entry.ActionType, StringComparison.Ordinal))
        {
            var auto = entry.Route is RouteLevel.AutoExecute or RouteLevel.AutoExecuteWithNotice ? 1 : 0;
            UnderKillSwitch = (UnderKillSwitch.Decisions + 1, UnderKillSwitch.AutoExecuted + auto);
        }

        switch (entry.Act)
        {
            case ActKind.Decided when entry.Route is { } route && entry.ActionType is { } action:
                Decisions++;
                if (!RoutesByAction.TryGetValue(action, out var routes))
                {
                    RoutesByAction[action] = routes = [];
                }

                routes[route] = routes.GetValueOrDefault(route) + 1;
                if (route == RouteLevel.Escalate)
                {
                    EscalatedAtDecision.Add(entry.CaseId);
                }
                if (entry.Flags is { } flags && (flags & DecisionFlags.SampledForAudit) != 0)
                {
                    SampledByAction[action] = SampledByAction.GetValueOrDefault(action) + 1;
                }

                break;
            case ActKind.TimedOut:
                var fallback = entry.Route ?? RouteLevel.Block;
                TimeoutFallbacks[fallback] = TimeoutFallbacks.GetValueOrDefault(fallback) + 1;
                if (fallback == RouteLevel.Escalate)
                {
                    EscalatedByTimeout.Add(entry.CaseId);
                }

                break;
            case ActKind.KillSwitchEngaged or ActKind.KillSwitchReleased:
                KillSwitchRecords.Add(record);
                break;
            case ActKind.Held:
                Held++;
                break;
            case ActKind.HoldReleased:
                HeldThenRan++;
                break;
            case ActKind.Contested:
                Contests.Add(record);
                break;
        }

        if (Array.IndexOf(ReviewActs, entry.Act) >= 0)
        {
            var key = (entry.ActorTier ?? "(none)", entry.Act);
            ActsByTier[key] = ActsByTier.GetValueOrDefault(key) + 1;
            if (entry.Act == ActKind.Escalated)
            {
                EscalatedByReviewer.Add(entry.CaseId);
            }
        }
    }
}
