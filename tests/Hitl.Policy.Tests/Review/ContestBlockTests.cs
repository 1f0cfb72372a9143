using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class ContestBlockTests
{
    [Fact]
    public async Task Contesting_a_block_puts_the_case_before_the_highest_tier()
    {
        using var f = new GateFixture();
        var blocked = await f.SubmitAsync(GateFixture.Refund(100, category: "fraud"), subject: "carl");

        var view = await f.Gate.ContestAsync(new HumanAct(blocked.CaseId, "carl", "not-fraud", "I bought it myself"));

        Assert.Equal(RouteLevel.Escalate, view.Route);
        Assert.Equal("director", view.RequiredTier);
        Assert.Equal(ReviewErrorCode.TierTooLow, (await Assert.ThrowsAsync<ReviewException>(async () => await f.Gate.ApproveAsync(new HumanAct(blocked.CaseId, "sam", "ok")))).Code);
        await f.Gate.ApproveAsync(new HumanAct(blocked.CaseId, "dora", "verified-owner"));
        var outcome = await f.Gate.WaitForOutcomeAsync(blocked.CaseId);
        Assert.True(outcome.Execute);
        Assert.False(outcome.AlreadyExecuted);
    }
}
