using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// One thing that happened to a case, as the case keeps it for people to read (an inbox's "earlier acts"): what, who,
/// when and why. The audit trail stays the record; a case keeps a copy of the last <see cref="CaseRecord.MaxHistory"/>
/// of its entries so that a page can show them without reading the trail.
/// </summary>
/// <param name="Act">What happened.</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who acted (a reviewer, the subject, an operator, or <c>system</c>).</param>
public sealed record CaseEvent(ActKind Act, DateTimeOffset At, string? Actor)
{
    /// <summary>The actor's role, for example <c>reviewer</c> or <c>subject</c>.</summary>
    public string? ActorRole { get; init; }

    /// <summary>The actor's reviewer tier.</summary>
    public string? ActorTier { get; init; }

    /// <summary>The reason code given.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>The reason in the actor's words.</summary>
    public string? Reason { get; init; }

    /// <summary>The route decided or applied, when the entry has one.</summary>
    public RouteLevel? Route { get; init; }

    /// <summary>The tier the case needed after the entry, when it says.</summary>
    public string? RequiredTier { get; init; }

    /// <summary>The audit entry as the case keeps it.</summary>
    internal static CaseEvent From(AuditEntry entry) => new(entry.Act, entry.At, entry.Actor)
    {
        ActorRole = entry.ActorRole,
        ActorTier = entry.ActorTier,
        ReasonCode = entry.ReasonCode,
        Reason = entry.Reason,
        Route = entry.Route,
        RequiredTier = entry.RequiredTier,
    };

    /// <summary>The history with the entries of one commit added, the oldest dropped beyond <see cref="CaseRecord.MaxHistory"/>.</summary>
    internal static (IReadOnlyList<CaseEvent> History, long Omitted) Append(IReadOnlyList<CaseEvent> history, long omitted, IReadOnlyList<AuditEntry> entries)
    {
        if (entries.Count == 0)
        {
            return (history, omitted);
        }

        var all = new List<CaseEvent>(history.Count + entries.Count);
        all.AddRange(history);
        foreach (var entry in entries)
        {
            all.Add(From(entry));
        }

        var drop = all.Count - CaseRecord.MaxHistory;
        if (drop > 0)
        {
            all.RemoveRange(0, drop);
            omitted += drop;
        }

        return (all, omitted);
    }
}
