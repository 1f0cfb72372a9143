using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    /// <summary>
    /// Executes the approved cases the kill switch held whose action type it no longer covers: each release is recorded
    /// first (<see cref="ActKind.HoldReleased"/>), then the outcome says execute. After the switch is released, the gate
    /// does this itself: at once for a case someone waits on (<see cref="WaitForOutcomeAsync"/>), otherwise at the next
    /// submit or sweep. A case whose record fails stays held and is tried again.
    /// </summary>
    /// <param name="cancellationToken">Cancels between cases.</param>
    /// <returns>How many cases were released.</returns>
    public ValueTask<int> ReleaseHeldAsync(CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.release_held", null, SystemActor, () => ReleaseHeldDueAsync(null, cancellationToken));

    private async ValueTask<int> ReleaseHeldDueAsync(DateTimeOffset? openedBefore, CancellationToken cancellationToken)
    {
        if (openedBefore is null)
        {
            Volatile.Write(ref _releaseDue, 0);
        }

        var released = 0;
        await foreach (var c in SweepListAsync(new CaseQuery { States = [CaseState.Held], OpenedBefore = openedBefore, Limit = SweepPage }, cancellationToken).ConfigureAwait(false))
        {
            if (KillSwitch.IsEngaged(c.ActionType))
            {
                continue;
            }

            try
            {
                if (await ReleaseAsync(c.Id, cancellationToken).ConfigureAwait(false))
                {
                    released++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                HitlLog.SweepFailed(_logger, ex, c.Id);
            }
        }

        return released;
    }

    /// <summary>An approval completed while the kill switch covers the action type: held, not executed; the record to commit with it.</summary>
    private AuditEntry Hold(ReviewCase c, DateTimeOffset now)
    {
        var scope = KillSwitch.IsGlobalEngaged ? "the global kill switch" : $"the kill switch of '{c.ActionType}'";
        var entry = ActEntry(c, ActKind.Held, SystemActor, SystemActor, null, "kill-switch-engaged",
            $"Approved, but {scope} is engaged: held, not executed, until it is released.", now);
        c.State = CaseState.Held;
        c.DeadlineAt = null;
        return entry with { RequiredApprovals = null };
    }

    private async ValueTask<bool> ReleaseAsync(string caseId, CancellationToken cancellationToken) =>
        await ActOnAsync(caseId, SystemActor, async c =>
        {
            if (c.State != CaseState.Held || KillSwitch.IsEngaged(c.ActionType))
            {
                return false;
            }

            var now = _time.GetUtcNow();
            var entry = ActEntry(c, ActKind.HoldReleased, SystemActor, SystemActor, null, "kill-switch-released",
                "The kill switch was released; the approved case executes now.", now);
            Close(c, CaseState.Approved, execute: true, c.LastDecider ?? SystemActor, "kill-switch-released", null, now);
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.HoldReleased, SystemActor, "kill-switch-released");
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A release is not acted on inside the switch's event (that runs on the releasing thread, mid-act): it is noted,
    /// waiters on held cases wake, and the next submit or sweep releases the rest, in the order of the trail.
    /// </summary>
    private void OnKillSwitchChanged(object? sender, KillSwitchChange change)
    {
        if (!change.Engaged)
        {
            Volatile.Write(ref _releaseDue, 1);
            Interlocked.Exchange(ref _switchReleased, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private ValueTask<int> ReleaseHeldIfDueAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _releaseDue, 0) == 1 ? ReleaseHeldAsync(cancellationToken) : ValueTask.FromResult(0);
}
