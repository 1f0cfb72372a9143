using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Feedback;

/// <summary>Writes synthetic audit records in trail order (hashes are placeholders: the feedback code does not check the chain).</summary>
internal sealed class TrailWriter
{
    /// <summary>When the feedback tests' trails start, and the time their reports are generated at.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records => _records;

    public AuditRecord Append(AuditEntry entry)
    {
        var sequence = _records.Count + 1L;
        var record = new AuditRecord(sequence, entry, _records.Count == 0 ? new string('0', 64) : _records[^1].Hash, sequence.ToString("x64", System.Globalization.CultureInfo.InvariantCulture));
        _records.Add(record);
        return record;
    }

    public AuditRecord Decided(string caseId, string actionType, double? confidence, RouteLevel route, DateTimeOffset at,
        DecisionFlags flags = DecisionFlags.None, params string[] rules) =>
        Append(new AuditEntry
        {
            Act = ActKind.Decided,
            CaseId = caseId,
            At = at,
            ActionType = actionType,
            Confidence = confidence,
            Route = route,
            Flags = flags,
            RulesFired = rules,
            DecidedBy = rules.Length > 0 ? rules[0] : "default",
            PolicyId = "lending",
            PolicyVersion = "1",
        });

    /// <summary>Records a real decision of a compiled policy, as a review gate would.</summary>
    public AuditRecord Decided(string caseId, double confidence, Decision decision, DateTimeOffset at) =>
        Append(new AuditEntry
        {
            Act = ActKind.Decided,
            CaseId = caseId,
            At = at,
            ActionType = decision.ActionType,
            Confidence = confidence,
            Route = decision.Route,
            RequiredTier = decision.RequiredTier,
            Flags = decision.Flags,
            RulesFired = decision.FiredRules.ToArray(),
            DecidedBy = decision.DecidedBy,
            PolicyId = decision.PolicyId,
            PolicyVersion = decision.PolicyVersion,
        });

    public AuditRecord Act(string caseId, ActKind act, string actor, DateTimeOffset at, string? reasonCode = null) =>
        Append(new AuditEntry { Act = act, CaseId = caseId, At = at, Actor = actor, ActorRole = "reviewer", ReasonCode = reasonCode });

    public async IAsyncEnumerable<AuditRecord> ReadAsync()
    {
        foreach (var record in _records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
