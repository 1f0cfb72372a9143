using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

public sealed class AuditedKillSwitchTests
{
    private static AuditedKillSwitch Switch(GateFixture f) => new(f.KillSwitch, f.Audit, f.Directory);

    [Fact]
    public async Task Engage_is_recorded_with_who_why_and_scope_and_then_nothing_auto_executes()
    {
        using var f = new GateFixture();
        var ks = Switch(f);

        var change = await ks.EngageAsync("refund.issue", "otto", "refund model drifting");

        Assert.True(change.Engaged);
        var entry = Assert.Single(f.Audit.Records).Entry;
        Assert.Equal(ActKind.KillSwitchEngaged, entry.Act);
        Assert.Equal("otto", entry.Actor);
        Assert.Equal("refund model drifting", entry.Reason);
        Assert.Equal("refund.issue", entry.Data!["scope"]);
        Assert.Equal(f.Time.GetUtcNow(), entry.At);

        var result = await f.SubmitAsync(GateFixture.Refund(10));
        Assert.Equal(GateDisposition.Pending, result.Disposition);
        Assert.True((result.Decision.Flags & DecisionFlags.KillSwitchActive) != 0);
        Assert.Equal(BuiltInRules.KillSwitch, result.Decision.DecidedBy);

        await ks.ReleaseAsync("refund.issue", "dora", "model rolled back");
        Assert.Equal(ActKind.KillSwitchReleased, f.Audit.Records[^1].Entry.Act);
        Assert.Equal(GateDisposition.Execute, (await f.SubmitAsync(GateFixture.Refund(10))).Disposition);
    }

    [Fact]
    public async Task Only_operators_with_a_reason_may_change_it()
    {
        using var f = new GateFixture();
        var ks = Switch(f);

        Assert.Equal(ReviewErrorCode.MissingRole, (await Assert.ThrowsAsync<ReviewException>(async () => await ks.EngageAsync(null, "ann", "x"))).Code);
        Assert.Equal(ReviewErrorCode.UnknownReviewer, (await Assert.ThrowsAsync<ReviewException>(async () => await ks.EngageAsync(null, "mallory", "x"))).Code);
        Assert.Equal(ReviewErrorCode.MissingReason, (await Assert.ThrowsAsync<ReviewException>(async () => await ks.EngageAsync(null, "otto", " "))).Code);
        Assert.False(f.KillSwitch.IsGlobalEngaged);
        Assert.Empty(f.Audit.Records);
    }

    [Fact]
    public async Task A_release_that_cannot_be_recorded_leaves_the_switch_on()
    {
        using var f = new GateFixture();
        var ks = Switch(f);
        await ks.EngageAsync(null, "otto", "incident 42");
        f.Audit.FailWhen = _ => true;

        var error = await Assert.ThrowsAsync<ReviewException>(async () => await ks.ReleaseAsync(null, "otto", "over"));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, error.Code);
        Assert.True(f.KillSwitch.IsGlobalEngaged);
    }

    [Fact]
    public async Task An_engage_that_cannot_be_recorded_still_stops_automation_and_says_so()
    {
        using var f = new GateFixture();
        var ks = Switch(f);
        f.Audit.FailWhen = _ => true;

        var error = await Assert.ThrowsAsync<ReviewException>(async () => await ks.EngageAsync(null, "otto", "incident 43"));

        Assert.Equal(ReviewErrorCode.AuditAppendFailed, error.Code);
        Assert.Contains("ON", error.Message, StringComparison.Ordinal);
        Assert.True(f.KillSwitch.IsGlobalEngaged);
    }
}
