using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Tests.Audit;

/// <summary>Writes audit trails with the real store, from decisions and acts given at known times.</summary>
internal sealed class Trail
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly List<AuditEntry> _entries = [];

    public int Count => _entries.Count;

    public Trail Decided(string caseId, string action, Route route, double? confidence = null, string? tier = null, DecisionFlags flags = DecisionFlags.None, TimeSpan at = default)
    {
        _entries.Add(new AuditEntry
        {
            Act = AuditAct.Decided,
            CaseId = caseId,
            At = Start + at,
            ActionType = action,
            RequestId = caseId,
            PolicyId = "operations",
            PolicyVersion = "2026.11.1",
            Route = route,
            ReviewerTier = tier,
            RequiredApprovals = route is Route.Review or Route.Escalate ? 1 : 0,
            DecidedBy = "test",
            Flags = flags,
            Confidence = confidence,
        });
        return this;
    }

    public Trail Act(AuditAct act, string caseId, TimeSpan at, string actor = "ana")
    {
        _entries.Add(new AuditEntry { Act = act, CaseId = caseId, At = Start + at, Actor = actor, ActorTier = "agent", ReasonCode = act == AuditAct.Rejected ? "wrong" : null });
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

    /// <summary>
    /// A trail with known counts. loan.approve: l1 auto (sampled, audit passed); l2 review, approved after 10 min;
    /// l3 review, edited after 30 min; l4 escalate, rejected after 2 h; l5 review, escalated after 20 min then approved.
    /// refund.issue: r1 auto; r2 review, timed out after 4 h; r3 auto, reversed; r4 block.
    /// email.send: e1 auto with notice, contested then overridden; e2 auto (sampled), audit failed.
    /// </summary>
    public static Trail Known() => new Trail()
        .Decided("l1", "loan.approve", Route.AutoExecute, 0.97, flags: DecisionFlags.SampledForAudit)
        .Decided("l2", "loan.approve", Route.Review, 0.9, "agent")
        .Decided("l3", "loan.approve", Route.Review, 0.85, "agent")
        .Decided("l4", "loan.approve", Route.Escalate, 0.5, "senior")
        .Decided("l5", "loan.approve", Route.Review, 0.82, "agent")
        .Decided("r1", "refund.issue", Route.AutoExecute, 0.99)
        .Decided("r2", "refund.issue", Route.Review, 0.8, "agent")
        .Decided("r3", "refund.issue", Route.AutoExecute, 0.96)
        .Decided("r4", "refund.issue", Route.Block, 0.3)
        .Decided("e1", "email.send", Route.AutoExecuteWithNotice, 0.9)
        .Decided("e2", "email.send", Route.AutoExecute, 0.95, flags: DecisionFlags.SampledForAudit)
        .Act(AuditAct.Approved, "l2", TimeSpan.FromMinutes(10))
        .Act(AuditAct.Escalated, "l5", TimeSpan.FromMinutes(20))
        .Act(AuditAct.Edited, "l3", TimeSpan.FromMinutes(30))
        .Act(AuditAct.Contested, "e1", TimeSpan.FromMinutes(45), "customer-7")
        .Act(AuditAct.Approved, "l5", TimeSpan.FromMinutes(80), "sam")
        .Act(AuditAct.Rejected, "l4", TimeSpan.FromHours(2), "sam")
        .Act(AuditAct.Overridden, "e1", TimeSpan.FromHours(3), "sam")
        .Act(AuditAct.Reversed, "r3", TimeSpan.FromHours(3.5), "sam")
        .Act(AuditAct.TimedOut, "r2", TimeSpan.FromHours(4), "review-gate")
        .Act(AuditAct.AuditPassed, "l1", TimeSpan.FromHours(5), "auditor")
        .Act(AuditAct.AuditFailed, "e2", TimeSpan.FromHours(5), "auditor");
}
