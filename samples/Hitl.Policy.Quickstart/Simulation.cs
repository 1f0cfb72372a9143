using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// Drives the stream through the gate on a virtual clock. Outputs arrive one by one; reviewer answers, sampled audits
/// and deadline sweeps are events on a queue ordered by virtual time, run as the clock passes them. Everything runs on
/// one logical thread and every random draw comes from the seed, so the trail is the same on every run.
/// </summary>
internal sealed class Simulation
{
    private const double IgnoreRate = 0.06;
    private const double IgnoreRateAfterTimeout = 0.2;
    private readonly PriorityQueue<Func<ValueTask>, (DateTimeOffset At, long Order)> _events = new();
    private readonly Dictionary<string, StreamItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _actors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _timedOut = new(StringComparer.Ordinal);
    private readonly List<string> _rejectedLoans = [];
    private readonly VirtualClock _clock;
    private readonly Random _random;
    private long _order;

    public Simulation(VirtualClock clock, int seed)
    {
        _clock = clock;
        _random = new Random(unchecked((seed * 7919) + 17));
    }

    /// <summary>The gate; set once it is built (it needs the desk, the desk needs this).</summary>
    public ReviewGate<ModelOutput> Gate { get; set; } = null!;

    /// <summary>Acts the gate refused; a correct simulation has none, and the summary says so.</summary>
    public List<string> Refusals { get; } = [];

    /// <summary>The contest the simulation staged, if a rejected case was there to contest.</summary>
    public string? ContestedCase { get; private set; }

    public int SentToPerson { get; private set; }

    public int AutoExecuted { get; private set; }

    /// <summary>Takes one output through the gate at its arrival time, after everything due before it.</summary>
    public async ValueTask<GateResult> SubmitAsync(StreamItem item, Decision decision)
    {
        await RunUntilAsync(_clock.GetUtcNow() + item.ArrivesAfter).ConfigureAwait(false);
        _clock.AdvanceTo(_clock.GetUtcNow() + item.ArrivesAfter);
        var output = item.Output;
        _items[output.RequestId] = item;
        var result = await Gate.SubmitAsync(new GateRequest<ModelOutput>
        {
            Context = output,
            Decision = decision,
            Payload = item.Payload,
            CaseId = output.RequestId,
            RequestId = output.RequestId,
            Requester = "assistant-model",
            Subject = item.Subject,
            Confidence = double.IsFinite(output.Confidence) ? output.Confidence : null,
            Risk = output.Risk,
            Summary = $"{output.Action} proposed by the model at confidence {output.Confidence:0.000}",
        }).ConfigureAwait(false);
        if (result.MayExecute)
        {
            AutoExecuted++;
            if (decision.IsSampledForAudit)
            {
                ScheduleAudit(item);
            }
        }
        else if (result.Disposition == GateDisposition.Pending)
        {
            SentToPerson++;
        }

        return result;
    }

    /// <summary>The subject of a rejected loan (or any rejected case) contests it; a reviewer who did not decide it before looks again.</summary>
    public async ValueTask ContestOneAsync()
    {
        var caseId = _rejectedLoans.FirstOrDefault();
        if (caseId is null)
        {
            return;
        }

        ContestedCase = caseId;
        await ActAsync(() => Gate.ContestAsync(new HumanAct(caseId, _items[caseId].Subject, "contested-by-subject",
            "The applicant asks for a person to look at the refusal again and sends new payslips."))).ConfigureAwait(false);
    }

    /// <summary>Runs every event due at or before <paramref name="until"/>, in time order.</summary>
    public async ValueTask RunUntilAsync(DateTimeOffset until)
    {
        while (_events.TryPeek(out _, out var key) && key.At <= until)
        {
            var next = _events.Dequeue();
            _clock.AdvanceTo(key.At);
            await next().ConfigureAwait(false);
        }
    }

    /// <summary>Runs everything still queued: the last answers, audits and deadlines.</summary>
    public ValueTask DrainAsync() => RunUntilAsync(DateTimeOffset.MaxValue);

    /// <summary>The review sink's callback: decide now (deterministically) who answers this ticket, how and when.</summary>
    public void OnTicket(ReviewTicket ticket)
    {
        var item = _items[ticket.CaseId];
        var now = _clock.GetUtcNow();
        var contested = ticket.Reason == TicketReason.Contested;
        var ignore = !contested && _random.NextDouble() < (_timedOut.Contains(ticket.CaseId) ? IgnoreRateAfterTimeout : IgnoreRate);
        if (ignore && ticket.DeadlineAt is { } deadline)
        {
            // Nobody picks it up: the sweep at the deadline makes the gate fall back (escalate, or block).
            Schedule(deadline, () => SweepAsync(ticket.CaseId));
            return;
        }

        var tiers = TiersFrom(ticket.RequiredTier);
        var people = Pick(tiers, ticket.CaseId, contested, Math.Max(1, ticket.RequiredApprovals));
        if (people.Count == 0)
        {
            Refusals.Add($"{ticket.CaseId}: nobody of tier {ticket.RequiredTier} is free to review it");
            return;
        }

        var times = AnswerTimes(ticket, people, now);
        var caseId = ticket.CaseId;
        var verdict = _random.NextDouble();
        var canEscalate = !contested && !string.Equals(ticket.RequiredTier, "director", StringComparison.Ordinal);
        if (item.ModelIsWrong && verdict < 0.65)
        {
            var (code, reason) = RejectionFor(item);
            Schedule(times[0], () => ActAsync(() => Gate.RejectAsync(new HumanAct(caseId, people[0].Id, code, reason)), rejected: item));
        }
        else if (item.ModelIsWrong)
        {
            var edited = ModelOutputStream.Edit(item);
            Schedule(times[0], () => ActAsync(() => Gate.EditAndApproveAsync(new HumanAct(caseId, people[0].Id, "corrected", "Fixed the proposal before it went out."), edited)));
            ScheduleApprovals(caseId, people, times, from: 1);
        }
        else if (canEscalate && verdict < 0.04)
        {
            Schedule(times[0], () => ActAsync(() => Gate.EscalateAsync(new HumanAct(caseId, people[0].Id, "needs-higher-tier", "Outside what I may decide; passing it up."))));
        }
        else if (verdict is >= 0.04 and < 0.045)
        {
            Schedule(times[0], () => ActAsync(() => Gate.RejectAsync(new HumanAct(caseId, people[0].Id, "precaution", "Not sure enough to let it run; the requester may resubmit.")), rejected: item));
        }
        else
        {
            ScheduleApprovals(caseId, people, times, from: 0);
        }
    }

    private void ScheduleApprovals(string caseId, List<Reviewer> people, DateTimeOffset[] times, int from)
    {
        for (var i = from; i < people.Count; i++)
        {
            var person = people[i].Id;
            Schedule(times[i], () => ActAsync(() => Gate.ApproveAsync(new HumanAct(caseId, person, "agree"))));
        }
    }

    private void ScheduleAudit(StreamItem item)
    {
        var caseId = item.Output.RequestId;
        var after = TimeSpan.FromMinutes(60 + _random.Next(23 * 60));
        Schedule(_clock.GetUtcNow() + after, () => ActAsync(() => Gate.RecordAuditAsync(
            item.ModelIsWrong
                ? new HumanAct(caseId, ReviewerPool.Auditor, "silent-failure", "The auto-executed action was wrong; nobody was asked.")
                : new HumanAct(caseId, ReviewerPool.Auditor, "sampled-audit-passed"),
            passed: !item.ModelIsWrong)));
    }

    private async ValueTask SweepAsync(string caseId)
    {
        _timedOut.Add(caseId);
        await Gate.SweepAsync().ConfigureAwait(false);
    }

    private async ValueTask ActAsync(Func<ValueTask<ReviewCaseView>> act, StreamItem? rejected = null)
    {
        try
        {
            var view = await act().ConfigureAwait(false);
            if (rejected is not null && view.State == CaseState.Rejected && !view.Contested && rejected.Output.Action == "loan.approve")
            {
                _rejectedLoans.Add(view.CaseId);
            }
        }
        catch (ReviewException ex)
        {
            Refusals.Add($"{ex.CaseId}: {ex.Code}: {ex.Message}");
        }
    }

    private DateTimeOffset[] AnswerTimes(ReviewTicket ticket, List<Reviewer> people, DateTimeOffset now)
    {
        var times = new DateTimeOffset[people.Count];
        var latest = ticket.DeadlineAt is { } deadline ? (deadline - now) * 0.9 : TimeSpan.FromDays(1);
        for (var i = 0; i < times.Length; i++)
        {
            var typical = people[i].Tier switch { "agent" => 40, "senior" => 90, _ => 180 };
            var minutes = 2 + (-Math.Log(1 - _random.NextDouble()) * typical);
            var delay = TimeSpan.FromMinutes(minutes);
            times[i] = now + (delay < latest ? delay : latest * ((i + 1.0) / (times.Length + 1)));
        }

        Array.Sort(times);
        return times;
    }

    /// <summary>Reviewers who may decide: the lowest tier that qualifies first, fresh eyes on a contested case.</summary>
    private List<Reviewer> Pick(string[] tiers, string caseId, bool contested, int count)
    {
        var taken = Actors(caseId);
        var chosen = new List<Reviewer>(count);
        foreach (var tier in tiers)
        {
            var candidates = ReviewerPool.Reviewers
                .Where(r => string.Equals(r.Tier, tier, StringComparison.Ordinal) && !(contested && taken.Contains(r.Id)) && !chosen.Contains(r))
                .ToList();
            while (candidates.Count > 0 && chosen.Count < count)
            {
                var i = _random.Next(candidates.Count);
                chosen.Add(candidates[i]);
                candidates.RemoveAt(i);
            }
        }

        foreach (var person in chosen)
        {
            taken.Add(person.Id);
        }

        return chosen;
    }

    private static string[] TiersFrom(string required) => required switch
    {
        "agent" => ["agent", "senior", "director"],
        "senior" => ["senior", "director"],
        _ => ["director"],
    };

    private static (string Code, string Reason) RejectionFor(StreamItem item) => item.Output.Action switch
    {
        "loan.approve" => ("affordability", "Income does not cover the repayments at this amount."),
        "refund.issue" => ("not-eligible", "The order was delivered and used; the refund policy does not apply."),
        "email.send" => ("wrong-promise", "The draft promises a refund the customer is not owed."),
        _ => ("unsafe-tool-call", "The call would change production without a change ticket."),
    };

    private HashSet<string> Actors(string caseId)
    {
        if (!_actors.TryGetValue(caseId, out var set))
        {
            _actors[caseId] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        return set;
    }

    private void Schedule(DateTimeOffset at, Func<ValueTask> action) => _events.Enqueue(action, (at, _order++));
}
