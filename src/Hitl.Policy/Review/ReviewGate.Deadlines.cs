using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    /// <summary>
    /// Applies the deadline fallback to every pending case past its deadline, as the decision says: escalate to the
    /// next tier (once, and only while there is a higher tier), otherwise block. Never approve. Each fallback is
    /// recorded first; a case whose record fails stays pending and is tried again on the next sweep. Also drops closed
    /// cases older than <see cref="ReviewGateOptions.ClosedCaseRetention"/>, and executes held cases whose kill switch
    /// is released (<see cref="ReleaseHeldAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the sweep between cases.</param>
    /// <returns>How many cases fell back.</returns>
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var fellBack = 0;
        foreach (var c in _cases.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (c.State == CaseState.Pending && c.DeadlineAt <= now)
            {
                try
                {
                    if (await TimeOutAsync(c, cancellationToken).ConfigureAwait(false))
                    {
                        fellBack++;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    HitlLog.SweepFailed(_logger, ex, c.Id);
                }
            }
            else if (c.State != CaseState.Pending && c.ClosedAt + _options.ClosedCaseRetention < now)
            {
                _cases.TryRemove(c.Id, out _);
            }
        }

        await ReleaseHeldAsync(cancellationToken).ConfigureAwait(false);
        return fellBack;
    }

    private async ValueTask<bool> TimeOutAsync(ReviewCase c, CancellationToken cancellationToken)
    {
        ReviewTicket? ticket = null;
        string? previousTier = null;
        DateTimeOffset now;
        await c.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            now = _time.GetUtcNow();
            if (c.State != CaseState.Pending || !(c.DeadlineAt <= now))
            {
                return false;
            }

            var escalate = c.Fallback == RouteLevel.Escalate && !c.TimeoutEscalated && c.Tier + 1 < c.Tiers.Count;
            var fallback = escalate ? RouteLevel.Escalate : RouteLevel.Block;
            var entry = ActEntry(c, ActKind.TimedOut, SystemActor, SystemActor, null, "deadline-passed",
                $"No decision by {c.DeadlineAt:O}; fell back to {fallback.ToJsonName()}.", now) with
            {
                Route = fallback,
                RequiredTier = escalate ? c.Tiers[c.Tier + 1] : c.TierName,
            };
            await AppendAsync(entry, c.Id, cancellationToken).ConfigureAwait(false);
            _metrics.Timeout(c.ActionType, fallback);
            HitlLog.TimedOut(_logger, c.Id, fallback.ToJsonName());
            if (escalate)
            {
                previousTier = c.TierName;
                Escalate(c, now);
                c.TimeoutEscalated = true;
                ticket = c.Ticket = Reticket(c, TicketReason.Escalated, now);
                _metrics.Escalation(c.ActionType, "timeout");
            }
            else
            {
                Close(c, CaseState.Blocked, execute: false, SystemActor, "deadline-passed", entry.Reason, now);
            }
        }
        finally
        {
            c.Lock.Release();
        }

        await NotifyQuietlyAsync(Notice(c, NoticeKind.ReviewTimedOut, SystemActor, now,
            $"Case {c.Id} passed its review deadline and fell back to {(ticket is null ? "block" : "escalate")}."), cancellationToken).ConfigureAwait(false);
        if (ticket is not null)
        {
            await SendTicketAsync(c, ticket, cancellationToken).ConfigureAwait(false);
            await RunEscalationHandlersAsync(c, ticket, previousTier, EscalationCause.Timeout, null, now, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Whether a pending case's deadline has passed by the gate's clock (every act checks, not only the sweep).</summary>
    private bool PastDeadline(ReviewCase c) => c.State == CaseState.Pending && c.DeadlineAt <= _time.GetUtcNow();

    /// <summary>
    /// An act arrived after the case's deadline: the fallback applies now (recorded as a timeout, as a sweep would),
    /// and the act is refused with <see cref="ReviewErrorCode.DeadlinePassed"/>. Called without the case's lock.
    /// </summary>
    private async ValueTask<ReviewException> LateAsync(ReviewCase c, HumanAct act, CancellationToken cancellationToken)
    {
        var deadline = c.DeadlineAt;
        try
        {
            await TimeOutAsync(c, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The fallback is tried again by the next act, wait or sweep; the late act is refused either way.
            HitlLog.SweepFailed(_logger, ex, c.Id);
        }

        var view = await GetCaseAsync(c.Id, CancellationToken.None).ConfigureAwait(false);
        var fallback = view switch
        {
            { State: CaseState.Blocked } => "the case is blocked",
            { State: CaseState.Pending, Route: RouteLevel.Escalate, RequiredTier: { } tier } when c.TimeoutEscalated => $"the case went to tier '{tier}'",
            _ => "the case takes its fallback",
        };
        return Refuse(ReviewErrorCode.DeadlinePassed, c.Id, act.ActorId,
            $"Case '{c.Id}' passed its review deadline ({deadline:O}) before '{act.ActorId}' acted; the act is refused and {fallback}.");
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
