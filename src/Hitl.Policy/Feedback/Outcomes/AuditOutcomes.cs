using Hitl.Policy.Audit;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Reads an audit trail from any store into one <see cref="ObservedCase"/> per case: records that share a case id are
/// grouped; the <c>decided</c> record gives action type, confidence, risk, route, rules and flags; the later records
/// give the human acts. A record named by a later <c>corrected</c> record's <see cref="AuditEntry.Supersedes"/> is set aside.
/// </summary>
/// <example>
/// <code>
/// var outcomes = await AuditOutcomes.CollectAsync(store.ReadAsync());
/// var report = Calibrator.Calibrate(outcomes.Outcomes, policyDefinition, new CalibrationOptions { Target = 0.99 });
/// </code>
/// </example>
public static class AuditOutcomes
{
    /// <summary>Reads the outcomes from records in trail order.</summary>
    /// <param name="records">The records.</param>
    /// <returns>The outcomes.</returns>
    public static OutcomeSet Collect(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var collector = new Collector();
        foreach (var record in records)
        {
            collector.Add(record);
        }

        return collector.Build();
    }

    /// <summary>Reads the outcomes from records in trail order, for example <see cref="IAuditStore.ReadAsync"/>.</summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The outcomes.</returns>
    public static async ValueTask<OutcomeSet> CollectAsync(IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var collector = new Collector();
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            collector.Add(record);
        }

        return collector.Build();
    }

    private static OutcomeKind KindOf(AuditAct act) => act switch
    {
        AuditAct.Approved => OutcomeKind.Agreed,
        AuditAct.Edited => OutcomeKind.Edited,
        AuditAct.Rejected => OutcomeKind.Rejected,
        AuditAct.Overridden => OutcomeKind.Overridden,
        AuditAct.Reversed => OutcomeKind.Reversed,
        AuditAct.AuditPassed => OutcomeKind.AuditPassed,
        AuditAct.AuditFailed => OutcomeKind.AuditFailed,
        AuditAct.TimedOut => OutcomeKind.TimedOut,
        _ => OutcomeKind.NoVerdict,
    };

    private static bool IsHumanAct(AuditAct act) => act is AuditAct.Approved or AuditAct.Edited or AuditAct.Rejected
        or AuditAct.Escalated or AuditAct.Overridden or AuditAct.Reversed or AuditAct.Contested or AuditAct.TimedOut
        or AuditAct.AuditPassed or AuditAct.AuditFailed;

    private sealed class Collector
    {
        private readonly Dictionary<string, List<AuditRecord>> _cases = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];
        private readonly HashSet<long> _superseded = [];
        private long _count;

        public void Add(AuditRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            _count++;
            var entry = record.Entry;
            if (entry.Act == AuditAct.Corrected)
            {
                if (entry.Supersedes is { } superseded)
                {
                    _superseded.Add(superseded);
                }

                return;
            }

            if (entry.Act is AuditAct.KillSwitchEngaged or AuditAct.KillSwitchReleased or AuditAct.PolicyActivated)
            {
                return;
            }

            if (!_cases.TryGetValue(entry.CaseId, out var list))
            {
                list = [];
                _cases.Add(entry.CaseId, list);
                _order.Add(entry.CaseId);
            }

            list.Add(record);
        }

        public OutcomeSet Build()
        {
            var outcomes = new List<ObservedCase>(_order.Count);
            var withoutDecision = 0;
            var superseded = 0;
            foreach (var caseId in _order)
            {
                var records = _cases[caseId];
                superseded += records.RemoveAll(r => _superseded.Contains(r.Sequence));
                var outcome = Build(caseId, records);
                if (outcome is null)
                {
                    withoutDecision++;
                }
                else
                {
                    outcomes.Add(outcome);
                }
            }

            return new OutcomeSet(outcomes, _count, withoutDecision, superseded);
        }

        private static ObservedCase? Build(string caseId, List<AuditRecord> records)
        {
            var decided = records.Find(r => r.Entry.Act == AuditAct.Decided && r.Entry.Route is not null)?.Entry;
            var actionType = decided?.ActionType ?? records.Find(r => r.Entry.ActionType is not null)?.Entry.ActionType;
            if (decided is null || actionType is null)
            {
                return null;
            }

            var acts = new List<HumanAct>();
            var kind = OutcomeKind.NoVerdict;
            bool? audit = null;
            var escalated = decided.Route == Policy.Route.Escalate;
            var handedOver = decided.At;
            foreach (var record in records)
            {
                var entry = record.Entry;
                if (!IsHumanAct(entry.Act))
                {
                    continue;
                }

                acts.Add(new HumanAct(entry.Act, entry.Actor, entry.ActorTier, entry.ReasonCode, entry.At, entry.At - handedOver));
                var actKind = KindOf(entry.Act);
                kind = actKind > kind ? actKind : kind;
                switch (entry.Act)
                {
                    case AuditAct.Escalated:
                        escalated = true;
                        handedOver = entry.At;
                        break;
                    case AuditAct.AuditFailed:
                        audit = false;
                        break;
                    case AuditAct.AuditPassed:
                        audit ??= true;
                        break;
                }
            }

            return new ObservedCase
            {
                CaseId = caseId,
                ActionType = actionType,
                Confidence = decided.Confidence,
                Risk = decided.Risk,
                Route = decided.Route!.Value,
                ReviewerTier = decided.ReviewerTier,
                RulesFired = decided.RulesFired ?? [],
                DecidedBy = decided.DecidedBy,
                Flags = decided.Flags ?? DecisionFlags.None,
                PolicyVersion = decided.PolicyVersion,
                DecidedAt = decided.At,
                Kind = kind,
                AuditPassed = audit,
                WasEscalated = escalated,
                Acts = acts,
            };
        }
    }
}
