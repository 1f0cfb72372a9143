using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>A withheld suggestion is never approved unseen, and a contest on a case without a subject needs an intake role.</summary>
public sealed class AccountabilityTests
{
    private static GateFixture Withholding()
    {
        var options = new ReviewGateOptions();
        options.Actions["refund.issue"] = new ActionReviewOptions { WithholdSuggestion = true };
        return new GateFixture(options);
    }

    [Fact]
    public async Task Approving_a_withheld_suggestion_without_an_independent_decision_is_refused_and_nothing_runs()
    {
        using var f = Withholding();
        var id = await f.OpenAsync();

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.IndependentDecisionRequired, refused.Code);
        Assert.Contains("must record an independent decision first", refused.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Pending, (await f.Gate.GetCaseAsync(id))!.State);
        Assert.Equal([ActKind.Decided], f.Audit.ActsFor(id));
    }

    [Fact]
    public async Task An_independent_decision_alone_does_not_let_the_unseen_suggestion_be_approved()
    {
        using var f = Withholding();
        var id = await f.OpenAsync();
        await f.Gate.RecordIndependentDecisionAsync(new HumanAct(id, "ann", "own-view"), "refund 1500 EUR");

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok")));

        Assert.Equal(ReviewErrorCode.IndependentDecisionRequired, refused.Code);
        Assert.Contains("has not seen what an approval would execute", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_then_reveal_then_approve_is_recorded_in_that_order_with_times()
    {
        using var f = Withholding();
        var id = await f.OpenAsync(payload: "refund 2000 EUR to order 42");
        var reveal = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.RevealSuggestionAsync(new HumanAct(id, "ann", "peek")));

        await f.Gate.RecordIndependentDecisionAsync(new HumanAct(id, "ann", "own-view"), "refund 1500 EUR");
        f.Time.Advance(TimeSpan.FromMinutes(3));
        var shown = await f.Gate.RevealSuggestionAsync(new HumanAct(id, "ann", "compare"));
        f.Time.Advance(TimeSpan.FromMinutes(1));
        var view = await f.Gate.ApproveAsync(new HumanAct(id, "ann", "ok"));

        Assert.Equal(ReviewErrorCode.IndependentDecisionRequired, reveal.Code);
        Assert.Equal("refund 2000 EUR to order 42", shown);
        Assert.Equal(CaseState.Approved, view.State);
        var entries = f.Audit.EntriesFor(id);
        Assert.Equal([ActKind.Decided, ActKind.IndependentDecision, ActKind.SuggestionRevealed, ActKind.Approved], entries.Select(e => e.Act));
        Assert.True(entries[1].At < entries[2].At && entries[2].At < entries[3].At);
        Assert.Equal("ann", entries[1].Actor);
        Assert.Equal(64, entries[1].Data!["decisionDigest"].Length);
        Assert.DoesNotContain("1500", string.Concat(entries.Select(e => e.ToString())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_edit_after_a_reveal_needs_a_new_look_before_approving_as_it_is()
    {
        using var f = Withholding();
        var id = await f.OpenAsync(amount: 6000);
        await f.Gate.RecordIndependentDecisionAsync(new HumanAct(id, "sam", "own-view"), "refund 6000");
        await f.Gate.RecordIndependentDecisionAsync(new HumanAct(id, "sue", "own-view"), "refund 5000");
        await f.Gate.RevealSuggestionAsync(new HumanAct(id, "sam", "compare"));
        await f.Gate.EditAndApproveAsync(new HumanAct(id, "sue", "corrected"), "refund 5000 EUR to order 42");

        var refused = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok")));
        Assert.Contains("it was edited since they saw it", refused.Message, StringComparison.Ordinal);
        Assert.Equal("refund 5000 EUR to order 42", await f.Gate.RevealSuggestionAsync(new HumanAct(id, "sam", "compare")));
        var view = await f.Gate.ApproveAsync(new HumanAct(id, "sam", "ok"));

        Assert.Equal(CaseState.Approved, view.State);
        Assert.Equal("refund 5000 EUR to order 42", view.Outcome!.Payload);
    }

    [Fact]
    public async Task Rejecting_needs_no_independent_decision_and_an_unwithheld_case_refuses_one()
    {
        using var f = Withholding();
        var withheld = await f.OpenAsync();
        var email = await f.SubmitAsync(new Signals { ActionType = "email.send", Category = "legal", Confidence = 0.95, Reversibility = Reversibility.Reversible }, "Dear customer");

        var rejected = await f.Gate.RejectAsync(new HumanAct(withheld, "ann", "wrong-amount", "The order was 200 EUR."));
        var refused = await Assert.ThrowsAsync<ReviewException>(async () =>
            await f.Gate.RecordIndependentDecisionAsync(new HumanAct(email.CaseId, "dora", "own-view"), "send it"));

        Assert.Equal(CaseState.Rejected, rejected.State);
        Assert.Equal(ReviewErrorCode.InvalidState, refused.Code);
    }

    [Fact]
    public async Task A_contest_on_a_case_without_a_subject_is_refused_unless_the_caller_holds_the_intake_role()
    {
        using var f = new GateFixture();
        f.Directory.Add(Reviewer.Create("ida", "agent", "contest-intake"));
        var auto = await f.SubmitAsync(GateFixture.Refund(100), subject: null);

        var stranger = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "eve", "unfair")));
        var reviewer = await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "ann", "unfair")));
        Assert.Equal(CaseState.AutoExecuted, (await f.Gate.GetCaseAsync(auto.CaseId))!.State);
        var view = await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "ida", "customer-complaint", "Called the hotline."));

        Assert.Equal(ReviewErrorCode.UnknownReviewer, stranger.Code);
        Assert.Equal(ReviewErrorCode.MissingRole, reviewer.Code);
        Assert.Contains("names no subject, so only someone holding the role 'contest-intake' may contest it", reviewer.Message, StringComparison.Ordinal);
        Assert.Equal(CaseState.Pending, view.State);
        var contested = f.Audit.EntriesFor(auto.CaseId)[^1];
        Assert.Equal((ActKind.Contested, "ida", "contest-intake"), (contested.Act, contested.Actor, contested.ActorRole));
    }

    [Fact]
    public async Task The_subject_still_contests_without_any_role()
    {
        using var f = new GateFixture();
        var auto = await f.SubmitAsync(GateFixture.Refund(100), subject: "carl");

        var view = await f.Gate.ContestAsync(new HumanAct(auto.CaseId, "carl", "unfair"));

        Assert.Equal(CaseState.Pending, view.State);
        Assert.Equal("subject", f.Audit.EntriesFor(auto.CaseId)[^1].ActorRole);
    }
}
