using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class CaseHistoryTests
{
    [Fact]
    public async Task The_case_keeps_every_entry_of_its_trail_with_who_when_and_why_in_order()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        f.Time.Advance(TimeSpan.FromMinutes(3));
        await f.Gate.EscalateAsync(new HumanAct(id, "ann", "unsure", "needs a second look"));
        f.Time.Advance(TimeSpan.FromMinutes(4));
        await f.Gate.RejectAsync(new HumanAct(id, "dora", "wrong-amount", "the invoice says 200"));

        var view = await f.Gate.GetCaseAsync(id);

        var trail = f.Audit.EntriesFor(id);
        Assert.NotNull(view);
        Assert.Equal(trail.Select(e => (e.Act, e.At, e.Actor, e.ReasonCode, e.Reason)),
            view.History.Select(e => (e.Act, e.At, e.Actor, e.ReasonCode, e.Reason)));
        var escalated = Assert.Single(view.History, e => e.Act == ActKind.Escalated);
        Assert.Equal("ann", escalated.Actor);
        Assert.Equal("reviewer", escalated.ActorRole);
        Assert.Equal("agent", escalated.ActorTier);
        Assert.Equal("needs a second look", escalated.Reason);
        Assert.Equal(ActKind.Rejected, view.History[^1].Act);
        Assert.Equal(f.Time.GetUtcNow(), view.History[^1].At);
    }

    [Fact]
    public async Task A_refused_act_adds_nothing_to_the_history()
    {
        using var f = new GateFixture();
        var id = await f.OpenAsync();
        var before = (await f.Gate.GetCaseAsync(id))!.History.Count;

        await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "rita", "mine")));

        Assert.Equal(before, (await f.Gate.GetCaseAsync(id))!.History.Count);
    }

    [Fact]
    public async Task The_history_keeps_the_latest_entries_and_counts_the_ones_it_dropped()
    {
        var (history, omitted) = CaseEvent.Append([], 0, [.. Enumerable.Range(0, CaseRecord.MaxHistory + 7).Select(i => new AuditEntry
        {
            Act = ActKind.Approved,
            CaseId = "c",
            At = DateTimeOffset.UnixEpoch.AddMinutes(i),
            Actor = "r" + i,
        })]);

        Assert.Equal(CaseRecord.MaxHistory, history.Count);
        Assert.Equal(7, omitted);
        Assert.Equal("r7", history[0].Actor);
        Assert.Equal("r" + (CaseRecord.MaxHistory + 6), history[^1].Actor);
    }

    [Fact]
    public void The_typed_gate_is_the_gate_people_act_on()
    {
        using var f = new GateFixture();
        var gate = Face(f.Gate);
        Assert.Same(f.Gate.Cases, gate.Cases);
        Assert.Same(f.Directory, gate.Reviewers);
        Assert.Equal("reviewer", gate.ReviewerRole);
        Assert.Equal("operator", gate.OperatorRole);
    }

    private static IReviewGate Face(IReviewGate gate) => gate;
}
