using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.Review;

/// <summary>
/// One instance of a service on the shared database: it submits its share of the cases, its reviewers decide the cases
/// of every instance (claiming them, so that reviewers on different instances take different cases), and it waits for
/// the outcome of each case it opened and "executes" those the gate says to (the line <c>executed ID</c> is the effect).
/// Started again after a kill, it carries on: it submits only the ids not yet in the store, waits on the others, and
/// executes nothing its earlier run executed already.
/// </summary>
internal sealed class InstanceRun(string connectionString, string schema, int instance, int instances, int total, int seed, string logPath, int paceMs, int thinkMs)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private LineLog _log = null!;
    private ReviewGate<Refund> _gate = null!;

    public async Task<int> RunAsync()
    {
        using var log = LineLog.Open(logPath);
        _log = log;
        var executedBefore = log.PreviousIds("executed");
        log.Write(string.Create(CultureInfo.InvariantCulture, $"start {Environment.ProcessId} instance {instance} resumed {log.Previous.Count > 0} executed-before {executedBefore.Count}"));

        await using var store = ProbeGate.OpenStore(connectionString, schema);
        using var gateLog = new GateLog();
        using var gate = ProbeGate.Gate(store, PollInterval, gateLog);
        _gate = gate;
        await gate.Recovery;

        using var stopReviewing = new CancellationTokenSource();
        var reviewers = ProbeGate.ReviewersOf(instance).Append(ProbeGate.SharedReviewer)
            .Select((reviewer, n) => Task.Run(() => ReviewAsync(reviewer, new Random(seed * 31 + instance * 7 + n), stopReviewing.Token)))
            .ToArray();

        var followers = new List<Task>();
        foreach (var id in ProbeGate.CaseIds(instance, instances, total))
        {
            if (executedBefore.Contains(id))
            {
                continue; // the effect ran in an earlier run: it never runs twice
            }

            if (await store.GetAsync(id) is { } existing)
            {
                // Opened by the earlier run (its line may be missing if the kill came between the commit and the write).
                log.Write($"found {id} {existing.State}");
                followers.Add(FollowAsync(id));
                continue;
            }

            GateResult result;
            try
            {
                result = await gate.SubmitAsync(ProbeGate.Request(id, instance, seed));
            }
            catch (ReviewException ex) when (ex.Code == ReviewErrorCode.InvalidState)
            {
                log.Write($"found {id} (submitted meanwhile)");
                followers.Add(FollowAsync(id));
                continue;
            }

            log.Write($"opened {id} {result.Disposition}");
            switch (result.Disposition)
            {
                case GateDisposition.Execute:
                    await ExecuteAsync(id);
                    break;
                case GateDisposition.Pending:
                    followers.Add(FollowAsync(id));
                    break;
                default:
                    log.Write($"outcome {id} {CaseState.Blocked}");
                    break;
            }

            if (paceMs > 0)
            {
                await Task.Delay(paceMs);
            }
        }

        log.Write(string.Create(CultureInfo.InvariantCulture, $"submitted-all waiting {followers.Count}"));
        await Task.WhenAll(followers);
        await stopReviewing.CancelAsync();
        await Task.WhenAll(reviewers);
        foreach (var problem in gateLog.Problems)
        {
            log.Write("problem " + problem);
        }

        log.Write(string.Create(CultureInfo.InvariantCulture, $"conflicts-retried {gateLog.Conflicts}"));
        log.Write("done");
        return 0;
    }

    /// <summary>Waits for the outcome of a case this instance opened (decided here or on any other instance) and executes it when it says so.</summary>
    private async Task FollowAsync(string id)
    {
        await Task.Yield();
        var outcome = await _gate.WaitForOutcomeAsync(id);
        _log.Write($"outcome {id} {outcome.State}");
        if (outcome.Execute)
        {
            await ExecuteAsync(id);
        }
    }

    /// <summary>The effect: the line is the action having run; the gate is then told, as a host would.</summary>
    private async Task ExecuteAsync(string id)
    {
        _log.Write($"executed {id}");
        try
        {
            await _gate.ReportExecutedAsync(id, "txn-" + id);
        }
        catch (ReviewException ex)
        {
            _log.Write($"report-refused {id} {ex.Code}");
        }
    }

    /// <summary>A reviewer on this instance: takes the next case of any instance, thinks, and approves or rejects it.</summary>
    private async Task ReviewAsync(string reviewer, Random think, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            ReviewCaseView? next;
            try
            {
                next = await _gate.ClaimNextAsync(reviewer, stop);
                if (next is null)
                {
                    await Task.Delay(50, stop);
                    continue;
                }

            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ReviewException ex)
            {
                _log.Write($"claim-failed {reviewer} {ex.Code}");
                continue;
            }

            // A reviewer finishes the case they took, even when the instance is stopping: a case claimed and left
            // stays leased to them (ReviewClaimLease) and no one else is offered it until the lease ends.
            if (thinkMs > 0)
            {
                await Task.Delay(think.Next(thinkMs / 2, thinkMs * 3 / 2 + 1), CancellationToken.None);
            }

            var reject = ProbeGate.Rejects(next.CaseId, seed);
            var started = Stopwatch.GetTimestamp();
            try
            {
                // The act itself is never cancelled: once begun it is recorded or refused.
                var view = reject
                    ? await _gate.RejectAsync(new HumanAct(next.CaseId, reviewer, "refund-refused", "The order shows no such damage."), CancellationToken.None)
                    : await _gate.ApproveAsync(new HumanAct(next.CaseId, reviewer, "refund-ok"), CancellationToken.None);
                _log.Write(string.Create(CultureInfo.InvariantCulture,
                    $"decided {next.CaseId} {(reject ? "Rejected" : "Approved")} {reviewer} {view.State} {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0}ms"));
            }
            catch (ReviewException ex)
            {
                // Expected sometimes: the case was decided meanwhile (by the same person on another instance, or a lease that ran out).
                _log.Write($"refused {next.CaseId} {ex.Code} {reviewer}");
            }
        }
    }
}
