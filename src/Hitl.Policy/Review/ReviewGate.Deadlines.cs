using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    private const int SweepPage = 200;

    /// <summary>
    /// Applies the deadline fallback to every pending case in the store past its deadline, as the decision says:
    /// escalate to the next tier (once, and only while there is a higher tier), otherwise block. Never approve. Each
    /// fallback is recorded with the case change; a case whose record fails stays pending and is tried again on the next
    /// sweep. Also executes held cases whose kill switch is released (<see cref="ReleaseHeldAsync"/>), and purges closed
    /// cases past their retention (<see cref="ReviewGateOptions.ClosedCaseRetention"/>,
    /// <see cref="ReviewGateOptions.RetentionClasses"/>) that have no legal hold: each purge is an audited act
    /// (<see cref="ActKind.Purged"/>), and the audit trail keeps the case's records.
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep between cases.</param>
    /// <returns>How many cases fell back.</returns>
    /// <remarks>Several gates may sweep one store at once: each passed deadline is applied once (the case's version decides).</remarks>
    public ValueTask<int> SweepAsync(CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.sweep", null, SystemActor, () => SweepDueAsync(_time.GetUtcNow(), null, cancellationToken));

    /// <summary>
    /// The sweep of the cases due by <paramref name="now"/>; the start-up sweep passes the time the gate started as both,
    /// so that it touches only cases that were in the store before this gate opened any.
    /// </summary>
    private async ValueTask<int> SweepDueAsync(DateTimeOffset now, DateTimeOffset? openedBefore, CancellationToken cancellationToken)
    {
        var fellBack = 0;
        await foreach (var due in SweepListAsync(new CaseQuery { States = [CaseState.Pending], DeadlineBy = now, OpenedBefore = openedBefore, OrderBy = CaseOrder.Deadline, Limit = SweepPage }, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (await TimeOutAsync(due.Id, cancellationToken).ConfigureAwait(false))
                {
                    fellBack++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                HitlLog.SweepFailed(_logger, ex, due.Id);
            }
        }

        await foreach (var expired in SweepListAsync(new CaseQuery { RetentionEndedBy = now, OpenedBefore = openedBefore, Limit = SweepPage }, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await PurgeAsync(expired.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                HitlLog.SweepFailed(_logger, ex, expired.Id);
            }
        }

        await ReleaseHeldDueAsync(openedBefore, cancellationToken).ConfigureAwait(false);
        return fellBack;
    }

    /// <summary>Every case a query lists, page by page (read ahead one page, so that acting on a case does not move the cursor).</summary>
    private async IAsyncEnumerable<CaseRecord> ListAsync(CaseQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            CasePage page;
            using (var scope = _metrics.Store("query", null))
            {
                try
                {
                    page = await _store.QueryAsync(query with { After = after }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OperationCanceledException or ArgumentException))
                {
                    scope.Fail(ex);
                    HitlLog.SweepFailed(_logger, ex, "(query)");
                    yield break;
                }
            }

            foreach (var c in page.Cases)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return c;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    private async Task RecoverAsync(DateTimeOffset startedAt)
    {
        await Task.Yield();
        try
        {
            // Only cases from before this gate, and what was due when it started: the rest is this gate's own to keep, act by act.
            await SweepDueAsync(startedAt, startedAt, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The start-up sweep has no caller to report to; a case that failed is logged and tried again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.SweepFailed(_logger, ex, "(start)");
        }
    }

    private async ValueTask<bool> TimeOutAsync(string caseId, CancellationToken cancellationToken)
    {
        var result = await ActOnAsync(caseId, SystemActor, async c =>
        {
            var now = _time.GetUtcNow();
            if (c.State != CaseState.Pending || !(c.DeadlineAt <= now))
            {
                return default((ReviewCase, ReviewTicket?, string?, DateTimeOffset)?);
            }

            var escalate = c.Fallback == RouteLevel.Escalate && !c.TimeoutEscalated && c.Tier + 1 < c.Tiers.Count;
            var fallback = escalate ? RouteLevel.Escalate : RouteLevel.Block;
            var entry = ActEntry(c, ActKind.TimedOut, SystemActor, SystemActor, null, "deadline-passed",
                $"No decision by {c.DeadlineAt:O}; fell back to {fallback.ToJsonName()}.", now) with
            {
                Route = fallback,
                RequiredTier = escalate ? c.Tiers[c.Tier + 1] : c.TierName,
            };
            ReviewTicket? ticket = null;
            string? previousTier = null;
            if (escalate)
            {
                previousTier = c.TierName;
                Escalate(c, now);
                c.TimeoutEscalated = true;
                ticket = c.Ticket = Reticket(c, TicketReason.Escalated, now);
            }
            else
            {
                Close(c, CaseState.Blocked, execute: false, SystemActor, "deadline-passed", entry.Reason, now);
            }

            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            _metrics.Timeout(c.ActionType, fallback);
            HitlLog.TimedOut(_logger, c.Id, fallback.ToJsonName());
            if (escalate)
            {
                _metrics.Escalation(c.ActionType, "timeout");
            }

            return ((ReviewCase, ReviewTicket?, string?, DateTimeOffset)?)(c, ticket, previousTier, now);
        }, cancellationToken).ConfigureAwait(false);

        if (result is not var (timedOut, escalated, fromTier, at))
        {
            return false;
        }

        await NotifyQuietlyAsync(Notice(timedOut, NoticeKind.ReviewTimedOut, SystemActor, at,
            $"Case {timedOut.Id} passed its review deadline and fell back to {(escalated is null ? "block" : "escalate")}."), cancellationToken).ConfigureAwait(false);
        if (escalated is not null)
        {
            await SendTicketAsync(timedOut, escalated, cancellationToken).ConfigureAwait(false);
            await RunEscalationHandlersAsync(timedOut, escalated, fromTier, EscalationCause.Timeout, null, at, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Deletes a closed case past its retention from the store, with a record of the purge.</summary>
    private async ValueTask PurgeAsync(string caseId, CancellationToken cancellationToken) =>
        await ActOnAsync(caseId, SystemActor, async c =>
        {
            var now = _time.GetUtcNow();
            if (c.State is CaseState.Pending or CaseState.Held || c.LegalHold || !(c.RetainUntil <= now))
            {
                return false;
            }

            var entry = ActEntry(c, ActKind.Purged, SystemActor, SystemActor, null, "retention-ended",
                $"Retention {(c.RetentionClass is null ? "(default)" : $"class '{c.RetentionClass}'")} ended {c.RetainUntil:O}; the case is deleted, its records stay.", now) with
            {
                Route = c.Route,
                RequiredTier = null,
            };
            await CommitAsync(c, purge: true, cancellationToken, entry).ConfigureAwait(false);
            HitlLog.CasePurged(_logger, c.Id);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Whether a pending case's deadline has passed by the gate's clock (every act checks, not only the sweep).</summary>
    private bool PastDeadline(ReviewCase c) => c.State == CaseState.Pending && c.DeadlineAt <= _time.GetUtcNow();

    /// <summary>
    /// An act arrived after the case's deadline: the fallback applies now (recorded as a timeout, as a sweep would),
    /// and the act is refused with <see cref="ReviewErrorCode.DeadlinePassed"/>. Called without the case's lock.
    /// </summary>
    private async ValueTask<ReviewException> LateAsync(HumanAct act, CancellationToken cancellationToken)
    {
        var deadline = (await TryLoadAsync(act.CaseId, act.ActorId, CancellationToken.None).ConfigureAwait(false))?.DeadlineAt;
        try
        {
            await TimeOutAsync(act.CaseId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The fallback is tried again by the next act, wait or sweep; the late act is refused either way.
            HitlLog.SweepFailed(_logger, ex, act.CaseId);
        }

        var c = await TryLoadAsync(act.CaseId, act.ActorId, CancellationToken.None).ConfigureAwait(false);
        var fallback = c switch
        {
            { State: CaseState.Blocked } => "the case is blocked",
            { State: CaseState.Pending, Route: RouteLevel.Escalate, TimeoutEscalated: true, TierName: { } tier } => $"the case went to tier '{tier}'",
            _ => "the case takes its fallback",
        };
        return Refuse(ReviewErrorCode.DeadlinePassed, act.CaseId, act.ActorId,
            $"Case '{act.CaseId}' passed its review deadline ({deadline:O}) before '{act.ActorId}' acted; the act is refused and {fallback}.");
    }

    private async void SweepFromTimer()
    {
        try
        {
            await SweepAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A timer callback has no caller to report to; the failure is logged per case.
        catch (Exception)
#pragma warning restore CA1031
        {
            // SweepAsync logs each case that failed; a failure here is a cancelled sweep.
        }
    }
}
