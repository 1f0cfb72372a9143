using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Tests.Audit;

/// <summary>Writes audit trails with the real store, from decisions and acts given at known times.</summary>
internal sealed class Trail
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly List<AuditEntry> _entries = [];

    public int Count => _entries.Count;

    public Trail Decided(string caseId, string action, RouteLevel route, double? confidence = null, string? tier = null, DecisionFlags flags = DecisionFlags.None, TimeSpan at = default, IReadOnlyDictionary<string, string>? data = null)
    {
        _entries.Add(new AuditEntry
        {
            Act = ActKind.Decided,
            CaseId = caseId,
            At = Start + at,
            ActionType = action,
            RequestId = caseId,
            PolicyId = "operations",
            PolicyVersion = "2026.11.1",
            Route = route,
            RequiredTier = tier,
            RequiredApprovals = route is RouteLevel.Review or RouteLevel.Escalate ? 1 : 0,
            DecidedBy = "test",
            Flags = flags,
            Confidence = confidence,
            Data = data,
        });
        return this;
    }

    public Trail Act(ActKind act, string caseId, TimeSpan at, string actor = "ana")
    {
        _entries.Add(new AuditEntry { Act = act, CaseId = caseId, At = Start + at, Actor = actor, ActorTier = "agent", ReasonCode = act == ActKind.Rejected ? "wrong" : null });
        return this;
    }

    /// <summary>Writes the trail with <see cref="JsonLinesAuditStore"/> and returns the path.</summary>
    public string WriteTo(string path)
    {
        // Appends queued together share a flush (group commit), so a trail of thousands of records is written quickly.
        using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = path, GroupCommit = true }))
        {
            var appends = _entries.Select(e => store.AppendAsync(e).AsTask()).ToArray();
            Task.WaitAll(appends);
        }

        return path;
    }

    /// <summary>Writes the trail into a new SQLite case store (no cases, only the trail) and returns the path.</summary>
    public string WriteToSqlite(string path)
    {
        using (var store = Hitl.Policy.Sqlite.SqliteCaseStore.Open("Data Source=" + path, new Hitl.Policy.Sqlite.SqliteCaseStoreOptions { Synchronous = Hitl.Policy.Sqlite.SqliteSynchronous.Normal }))
        {
            // Queued together, the appends share transactions (group commit); the writer keeps their order.
            var appends = _entries.Select(e => store.Audit.AppendAsync(e).AsTask()).ToArray();
            Task.WaitAll(appends);
        }

        return path;
    }

    /// <summary>
    /// A trail with known counts. loan.approve: l1 auto (sampled, audit passed); l2 review, approved after 10 min;
    /// l3 review, edited after 30 min; l4 escalate, rejected after 2 h; l5 review, escalated after 20 min then approved.
    /// refund.issue: r1 auto; r2 review, timed out after 4 h; r3 auto, reversed; r4 block.
    /// email.send: e1 auto with notice, contested then overridden; e2 auto (sampled), audit failed.
    /// </summary>
    public static Trail Known() => new Trail()
        .Decided("l1", "loan.approve", RouteLevel.AutoExecute, 0.97, flags: DecisionFlags.SampledForAudit)
        .Decided("l2", "loan.approve", RouteLevel.Review, 0.9, "agent")
        .Decided("l3", "loan.approve", RouteLevel.Review, 0.85, "agent")
        .Decided("l4", "loan.approve", RouteLevel.Escalate, 0.5, "senior")
        .Decided("l5", "loan.approve", RouteLevel.Review, 0.82, "agent")
        .Decided("r1", "refund.issue", RouteLevel.AutoExecute, 0.99)
        .Decided("r2", "refund.issue", RouteLevel.Review, 0.8, "agent")
        .Decided("r3", "refund.issue", RouteLevel.AutoExecute, 0.96)
        .Decided("r4", "refund.issue", RouteLevel.Block, 0.3)
        .Decided("e1", "email.send", RouteLevel.AutoExecuteWithNotice, 0.9)
        .Decided("e2", "email.send", RouteLevel.AutoExecute, 0.95, flags: DecisionFlags.SampledForAudit)
        .Act(ActKind.Approved, "l2", TimeSpan.FromMinutes(10))
        .Act(ActKind.Escalated, "l5", TimeSpan.FromMinutes(20))
        .Act(ActKind.Edited, "l3", TimeSpan.FromMinutes(30))
        .Act(ActKind.Contested, "e1", TimeSpan.FromMinutes(45), "customer-7")
        .Act(ActKind.Approved, "l5", TimeSpan.FromMinutes(80), "sam")
        .Act(ActKind.Rejected, "l4", TimeSpan.FromHours(2), "sam")
        .Act(ActKind.Overridden, "e1", TimeSpan.FromHours(3), "sam")
        .Act(ActKind.Reversed, "r3", TimeSpan.FromHours(3.5), "sam")
        .Act(ActKind.TimedOut, "r2", TimeSpan.FromHours(4), "review-gate")
        .Act(ActKind.AuditPassed, "l1", TimeSpan.FromHours(5), "auditor")
        .Act(ActKind.AuditFailed, "e2", TimeSpan.FromHours(5), "auditor");
}
