using Hitl.Policy.Audit;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Reads an audit trail from any store into one <see cref="ObservedCase"/> per case: records that share a case id are
/// grouped; the <c>decided</c> record gives action type, confidence, risk, route, rules and flags; the later records
/// give the human acts. A record named by a later <c>corrected</c> record's <see cref="AuditEntry.Supersedes"/> is set aside.
/// </summary>
/// <example>
/// <code>
/// var observedCases = await ObservedCases.CollectAsync(store.ReadAsync());
/// var report = Calibrator.Calibrate(observed.Cases, policyDefinition, new CalibrationOptions { Target = 0.99 });
/// </code>
/// </example>
public static class ObservedCases
{
    /// <summary>Reads the observed cases from records in trail order.</summary>
    /// <param name="records">The records.</param>
    /// <returns>The observed cases.</returns>
    public static ObservedCaseSet Collect(IEnumerable<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var collector = new Collector();
        foreach (var record in records)
        {
            collector.Add(record);
        }

        return collector.Build();
    }

    /// <summary>Reads the observed cases from records in trail order, for example <see cref="IAuditStore.ReadAsync"/>.</summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The observed cases.</returns>
    public static async ValueTask<ObservedCaseSet> CollectAsync(IAsyncEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var collector = new Collector();
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            collector.Add(record);
        }

        return collector.Build();
    }

    private static Verdict KindOf(ActKind act) => act switch
    {
        ActKind.Approved => Verdict.Agreed,
        ActKind.Edited => Verdict.Edited,
        ActKind.Rejected => Verdict.Rejected,
        ActKind.Overridden => Verdict.Overridden,
        ActKind.Reversed => Verdict.Reversed,
        ActKind.AuditPassed => Verdict.AuditPassed,
        ActKind.AuditFailed => Verdict.AuditFailed,
        ActKind.TimedOut => Verdict.TimedOut,
        _ => Verdict.NoVerdict,
    };

    private static bool IsHumanAct(ActKind act) => act is ActKind.Approved or ActKind.Edited or ActKind.Rejected
        or ActKind.Escalated or ActKind.Overridden or ActKind.Reversed or ActKind.Contested or ActKind.TimedOut
        or ActKind.AuditPassed or ActKind.AuditFailed;

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
            if (entry.Act == ActKind.Corrected)
            {
                if (entry.Supersedes is { } superseded)
                {
                    _superseded.Add(superseded);
                }

                return;
            }

            if (entry.Act is ActKind.KillSwitchEngaged or ActKind.KillSwitchReleased or ActKind.PolicyActivated)
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

        public ObservedCaseSet Build()
        {
            var observedCases = new List<ObservedCase>(_order.Count);
            var withoutDecision = 0;
            var superseded = 0;
            foreach (var caseId in _order)
            {
                var records = _cases[caseId];
                superseded += records.RemoveAll(r => _superseded.Contains(r.Sequence));
                var observedCase = Build(caseId, records);
                if (observedCase is null)
                {
                    withoutDecision++;
                }
                else
                {
                    observedCases.Add(observedCase);
                }
            }

            return new ObservedCaseSet(observedCases, _count, withoutDecision, superseded);
        }

        private static ObservedCase? Build(string caseId, List<AuditRecord> records)
        {
            var decided = records.Find(r => r.Entry.Act == ActKind.Decided && r.Entry.Route is not null)?.Entry;
            var actionType = decided?.ActionType ?? records.Find(r => r.Entry.ActionType is not null)?.Entry.ActionType;
            if (decided is null || actionType is null)
            {
                return null;
            }

            var acts = new List<RecordedAct>();
            var kind = Verdict.NoVerdict;
            bool? audit = null;
            var escalated = decided.Route == Policy.RouteLevel.Escalate;
            var handedOver = decided.At;
            foreach (var record in records)
            {
                var entry = record.Entry;
                if (!IsHumanAct(entry.Act))
                {
                    continue;
                }

                acts.Add(new RecordedAct(entry.Act, entry.Actor, entry.ActorTier, entry.ReasonCode, entry.At, entry.At - handedOver));
                var actKind = KindOf(entry.Act);
                kind = actKind > kind ? actKind : kind;
                switch (entry.Act)
                {
                    case ActKind.Escalated:
                        escalated = true;
                        handedOver = entry.At;
                        break;
                    case ActKind.AuditFailed:
                        audit = false;
                        break;
                    case ActKind.AuditPassed:
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
                RequiredTier = decided.RequiredTier,
                RulesFired = decided.RulesFired ?? [],
                DecidedBy = decided.DecidedBy,
                Flags = decided.Flags ?? DecisionFlags.None,
                PolicyVersion = decided.PolicyVersion,
                DecidedAt = decided.At,
                Verdict = kind,
                AuditPassed = audit,
                WasEscalated = escalated,
                Acts = acts,
                Segments = Review.CaseSegments.Of(decided),
            };
        }
    }
}
