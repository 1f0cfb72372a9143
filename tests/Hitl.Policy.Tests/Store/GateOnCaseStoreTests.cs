using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Review;

namespace Hitl.Policy.Tests.Store;

/// <summary>The gate keeps no case of its own: a second gate on the same store (after a restart, or beside it) goes on with every case.</summary>
public class GateOnCaseStoreTests
{
    [Fact]
    public async Task A_case_opened_before_a_restart_is_approved_and_awaited_after_it()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        string id;
        using (var before = f.Builder().UseCaseStore(store).Build())
        {
            id = (await before.SubmitAsync(Request(2000, "refund 2000 EUR"))).CaseId;
        }

        using var after = f.Builder().UseCaseStore(store).Build();
        await after.Recovery;
        var wait = after.WaitForOutcomeAsync(id).AsTask();
        await after.ApproveAsync(new HumanAct(id, "ann", "ok"));
        var outcome = await wait.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Execute);
        Assert.Equal("refund 2000 EUR", outcome.Payload);
        Assert.Equal([ActKind.Decided, ActKind.Approved], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task Deadlines_that_passed_while_no_gate_ran_fall_back_at_start_and_never_approve()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        string review, escalated;
        using (var before = f.Builder().UseCaseStore(store).Build())
        {
            review = (await before.SubmitAsync(Request(2000, "refund 2000"))).CaseId;      // review, PT1H, then escalate
            escalated = (await before.SubmitAsync(Request(60000, "refund 60000"))).CaseId; // escalate, PT2H, then block
        }

        f.Time.Advance(TimeSpan.FromHours(3));
        using var after = f.Builder().UseCaseStore(store).Build();
        await after.Recovery;

        var first = (await after.GetCaseAsync(review))!;
        Assert.Equal(CaseState.Pending, first.State);
        Assert.Equal("senior", first.RequiredTier);
        Assert.Equal(f.Time.GetUtcNow() + TimeSpan.FromHours(1), first.DeadlineAt);
        var second = (await after.GetCaseAsync(escalated))!;
        Assert.Equal(CaseState.Blocked, second.State);
        Assert.False(second.Outcome!.Execute);
        Assert.Equal(ActKind.TimedOut, f.Audit.ActsFor(review)[^1]);
        Assert.Equal(ActKind.TimedOut, f.Audit.ActsFor(escalated)[^1]);
        Assert.DoesNotContain(f.Audit.Records, r => r.Entry.Act is ActKind.Approved or ActKind.HoldReleased);
    }

    [Fact]
    public async Task Contest_and_reversal_work_on_cases_decided_before_a_restart()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        string id;
        using (var before = f.Builder().UseCaseStore(store).Build())
        {
            id = (await before.SubmitAsync(Request(2000, "refund 2000"))).CaseId;
            await before.ApproveAsync(new HumanAct(id, "ann", "ok"));
        }

        using var after = f.Builder().UseCaseStore(store).AddCompensationHook(f.Compensation!).Build();
        await after.ContestAsync(new HumanAct(id, "carl", "not-mine", "I did not ask for this"));
        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await after.ApproveAsync(new HumanAct(id, "ann", "ok")));
        Assert.Equal(ReviewErrorCode.ReviewerAlreadyDecided, refused.Code);
        await after.ApproveAsync(new HumanAct(id, "aaron", "checked again"));
        var reversed = await after.ReverseAsync(new HumanAct(id, "sam", "customer-returned"));

        Assert.Equal(CaseState.Reversed, reversed.State);
        Assert.Single(f.Compensation!.Requests, r => r.CaseId == id);
        Assert.Equal([ActKind.Decided, ActKind.Approved, ActKind.Contested, ActKind.Approved, ActKind.Reversed], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task Parallel_approvals_on_two_gates_decide_once_and_count_each_reviewer_once()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var a = f.Builder().UseCaseStore(store).Build();
        using var b = f.Builder().UseCaseStore(store).Build();
        var id = (await a.SubmitAsync(Request(6000, "refund 6000"))).CaseId; // two senior approvals
        string[] reviewers = ["sam", "sue", "dora"];

        var results = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => Task.Run(async () =>
        {
            var gate = i % 2 == 0 ? a : b;
            try
            {
                return (await gate.ApproveAsync(new HumanAct(id, reviewers[i % 3], "ok"))).State.ToString();
            }
            catch (ReviewException ex)
            {
                return ex.Code.ToString();
            }
        })));

        var stored = (await store.GetAsync(id))!;
        Assert.Equal(CaseState.Approved, stored.State);
        Assert.Equal(2, stored.Approvers.Count);
        Assert.Equal(2, stored.Approvers.Distinct().Count());
        var approvals = f.Audit.EntriesFor(id).Where(e => e.Act == ActKind.Approved).Select(e => e.Actor!).ToList();
        Assert.Equal(stored.Approvers, approvals);
        Assert.Equal(3, stored.Version); // created, then one commit per approval: no lost and no extra update
        Assert.All(results, r => Assert.Contains(r, new[] { "Pending", "Approved", nameof(ReviewErrorCode.CaseClosed) }));
        Assert.True((await f.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_wait_on_one_gate_returns_when_another_gate_on_the_store_decides()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var waiting = f.Builder().UseCaseStore(store).Build();
        using var deciding = f.Builder().UseCaseStore(store).Build();
        var id = (await waiting.SubmitAsync(Request(2000, "refund 2000"))).CaseId;

        var wait = waiting.WaitForOutcomeAsync(id).AsTask();
        await deciding.RejectAsync(new HumanAct(id, "ann", "wrong-amount", "The order was 200, not 2000."));
        for (var i = 0; i < 200 && !wait.IsCompleted; i++)
        {
            f.Time.Advance(TimeSpan.FromSeconds(1)); // the poll of the store for decisions made elsewhere
            await Task.Delay(5);
        }

        var outcome = await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(outcome.Execute);
        Assert.Equal("ann", outcome.DecidedBy);
    }

    [Fact]
    public async Task A_commit_that_cannot_be_recorded_leaves_the_stored_case_as_it_was()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var gate = f.Builder().UseCaseStore(store).Build();
        var id = (await gate.SubmitAsync(Request(2000, "refund 2000"))).CaseId;
        var before = (await store.GetAsync(id))!;
        f.Audit.FailWhen = e => e.Act == ActKind.Approved;

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, refused.Code);
        Assert.Equal(before, await store.GetAsync(id));
        Assert.Equal([ActKind.Decided], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task A_reused_case_id_is_refused_and_the_first_case_is_unchanged()
    {
        using var f = new GateFixture();
        var store = new InMemoryCaseStore(f.Audit);
        using var a = f.Builder().UseCaseStore(store).Build();
        using var b = f.Builder().UseCaseStore(store).Build();
        await a.SubmitAsync(Request(2000, "first") with { CaseId = "c-1" });

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await b.SubmitAsync(Request(10, "second") with { CaseId = "c-1" }));

        Assert.Equal(ReviewErrorCode.InvalidState, refused.Code);
        Assert.Equal("first", (await store.GetAsync("c-1"))!.Payload);
        Assert.Equal([ActKind.Decided], f.Audit.ActsFor("c-1"));
    }

    internal static GateRequest<Signals> Request(double amount, string payload) => new()
    {
        Context = GateFixture.Refund(amount),
        Payload = payload,
        Requester = "rita",
        Subject = "carl",
    };
}
