using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Stats;

/// <summary>
/// What <c>hitl audit stats</c> counts in a trail, per action type and in all: the same cases and figures as
/// <see cref="ObservedCases"/> gives, read as a stream. Records are never held: one pass collects the records that
/// corrections supersede, a second keeps a few fields per case (route, decision time, which acts, first answer).
/// Memory grows with the number of cases, not with the size of the trail or of its records.
/// </summary>
internal sealed class AuditStats
{
    private AuditStats(string path, AuditVerification verification, Counts totals, IReadOnlyList<ActionStats> actions, ActionStats all)
    {
        Path = path;
        Verification = verification;
        Totals = totals;
        Actions = actions;
        All = all;
    }

    /// <summary>The trail as the user named it.</summary>
    public string Path { get; }

    /// <summary>What the chain check found.</summary>
    public AuditVerification Verification { get; }

    /// <summary>The record and case counts.</summary>
    public Counts Totals { get; }

    /// <summary>The figures per action type, by action type.</summary>
    public IReadOnlyList<ActionStats> Actions { get; }

    /// <summary>The figures over every action type.</summary>
    public ActionStats All { get; }

    /// <summary>Counts the intact records of a trail file.</summary>
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    public static AuditStats Read(string path)
    {
        var verification = AuditFile.Verify(path);
        var superseded = new HashSet<long>();
        foreach (var record in AuditFile.Stream(path, verification.RecordCount))
        {
            if (record.Entry is { Act: ActKind.Corrected, Supersedes: { } target })
            {
                superseded.Add(target);
            }
        }

        var collector = new Collector(superseded);
        foreach (var record in AuditFile.Stream(path, verification.RecordCount))
        {
            collector.Add(record);
        }

        return collector.Build(path, verification);
    }

    /// <summary>Counts records already read (tests compare this with <see cref="ObservedCases"/>).</summary>
    internal static AuditStats Build(string path, AuditVerification verification, IReadOnlyList<AuditRecord> records)
    {
        var superseded = records.Where(r => r.Entry.Act == ActKind.Corrected && r.Entry.Supersedes is not null).Select(r => r.Entry.Supersedes!.Value).ToHashSet();
        var collector = new Collector(superseded);
        foreach (var record in records)
        {
            collector.Add(record);
        }

        return collector.Build(path, verification);
    }

    /// <summary>The counts of records and cases.</summary>
    /// <param name="RecordCount">The records read.</param>
    /// <param name="Cases">The cases with a decision.</param>
    /// <param name="CasesWithoutDecision">Cases with records but no decision record.</param>
    /// <param name="SupersededRecords">Case records left out because a correction supersedes them.</param>
    public sealed record Counts(long RecordCount, int Cases, int CasesWithoutDecision, int SupersededRecords);

    /// <summary>The few facts kept per case while the trail streams past.</summary>
    private sealed class CaseState
    {
        public string? ActionType;
        public bool Decided;
        public RouteLevel Route;
        public DateTimeOffset DecidedAt;
        public string? DecidedActionType;
        public int Outcomes;
        public bool EscalatedByAct;
        public DateTimeOffset? FirstReviewAt;
    }

    private sealed class Collector(HashSet<long> superseded)
    {
        private readonly Dictionary<string, CaseState> _cases = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _actionTypes = new(StringComparer.Ordinal);
        private long _count;
        private int _superseded;

        public void Add(AuditRecord record)
        {
            _count++;
            var entry = record.Entry;
            if (entry.Act is ActKind.Corrected or ActKind.KillSwitchEngaged or ActKind.KillSwitchReleased or ActKind.PolicyActivated)
            {
                return;
            }

            if (!_cases.TryGetValue(entry.CaseId, out var state))
            {
                _cases.Add(entry.CaseId, state = new CaseState());
            }

            if (superseded.Contains(record.Sequence))
            {
                _superseded++;
                return;
            }

            if (entry.ActionType is { } actionType)
            {
                state.ActionType ??= Intern(actionType);
            }

            if (entry.Act == ActKind.Decided && entry.Route is { } route && !state.Decided)
            {
                state.Decided = true;
                state.Route = route;
                state.DecidedAt = entry.At;
                state.DecidedActionType = entry.ActionType is null ? null : Intern(entry.ActionType);
            }

            var outcome = Array.FindIndex(ActionStats.OutcomeActs, o => o.Act == entry.Act);
            if (outcome >= 0)
            {
                state.Outcomes |= 1 << outcome;
            }

            if (entry.Act == ActKind.Escalated)
            {
                state.EscalatedByAct = true;
            }

            if (entry.Act is ActKind.Approved or ActKind.Edited or ActKind.Rejected or ActKind.Escalated)
            {
                state.FirstReviewAt ??= entry.At;
            }
        }

        public AuditStats Build(string path, AuditVerification verification)
        {
            var all = new ActionStats("all");
            var byAction = new SortedDictionary<string, ActionStats>(StringComparer.Ordinal);
            var decided = 0;
            var withoutDecision = 0;
            foreach (var state in _cases.Values)
            {
                var actionType = state.DecidedActionType ?? state.ActionType;
                if (!state.Decided || actionType is null)
                {
                    withoutDecision++;
                    continue;
                }

                decided++;
                if (!byAction.TryGetValue(actionType, out var stats))
                {
                    byAction[actionType] = stats = new ActionStats(actionType);
                }

                var escalated = state.Route == RouteLevel.Escalate || state.EscalatedByAct;
                var firstAnswer = state.FirstReviewAt - state.DecidedAt;
                stats.Add(state.Route, escalated, state.Outcomes, firstAnswer);
                all.Add(state.Route, escalated, state.Outcomes, firstAnswer);
            }

            return new AuditStats(path, verification, new Counts(_count, decided, withoutDecision, _superseded), [.. byAction.Values], all);
        }

        private string Intern(string actionType)
        {
            if (!_actionTypes.TryGetValue(actionType, out var interned))
            {
                _actionTypes.Add(actionType, interned = actionType);
            }

            return interned;
        }
    }
}
