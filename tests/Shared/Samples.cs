using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.CaseStoreContract;

/// <summary>Cases and entries for the store tests.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    public static readonly AuditKey K1 = new("k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static readonly AuditKey Forged = new("k1", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());

    public static CaseRecord Case(
        string id,
        DateTimeOffset? opened = null,
        CaseState state = CaseState.Pending,
        string? tier = "senior",
        string? actionType = "refund.issue",
        string? requester = "rita",
        string? subject = "sam",
        DateTimeOffset? deadline = null,
        DateTimeOffset? retainUntil = null,
        bool legalHold = false) => new()
        {
            Id = id,
            State = state,
            Route = RouteLevel.Review,
            DecidedRoute = RouteLevel.Review,
            DecidedBy = "refund.large",
            FiredRules = ["refund.large"],
            Tiers = ["junior", "senior"],
            Tier = 1,
            RequiredTier = tier,
            RequiredApprovals = 1,
            ActionType = actionType,
            Requester = requester,
            Subject = subject,
            Payload = "{\"amount\":1200}",
            PayloadDigest = new string('a', 64),
            OpenedAt = opened ?? Start,
            RoundOpenedAt = opened ?? Start,
            DeadlineAt = deadline,
            RetainUntil = retainUntil,
            LegalHold = legalHold,
            ClosedAt = state is CaseState.Pending or CaseState.Held ? null : (opened ?? Start).AddMinutes(5),
        };

    public static AuditEntry Entry(string caseId, ActKind act = ActKind.Approved, int index = 0) => new()
    {
        Act = act,
        CaseId = caseId,
        At = Start.AddSeconds(index),
        Actor = "reviewer-" + index,
        ActorRole = "reviewer",
        ReasonCode = "looks-right",
    };

    public static CaseCommit Create(CaseRecord record, params AuditEntry[] entries) =>
        new() { Case = record, Entries = entries.Length == 0 ? [Entry(record.Id, ActKind.Decided)] : entries };

    public static CaseCommit Update(CaseRecord current, Func<CaseRecord, CaseRecord>? change = null, params AuditEntry[] entries) =>
        new() { Case = change is null ? current with { Round = current.Round + 1 } : change(current), Entries = entries.Length == 0 ? [Entry(current.Id)] : entries };

    public static string JsonOf(CaseRecord? record) => record is null ? "null" : CaseRecordJson.Serialize(record);

    public static async Task<List<AuditRecord>> TrailAsync(IAuditStore audit)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in audit.ReadAsync())
        {
            records.Add(record);
        }

        return records;
    }
}
