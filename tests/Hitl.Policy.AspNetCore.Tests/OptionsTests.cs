using Hitl.Policy.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>Bad settings stop the start with a message that names the setting and the value.</summary>
public sealed class OptionsTests
{
    [Fact]
    public void Every_bad_setting_is_named_with_its_value()
    {
        var services = new ServiceCollection().AddHitlInbox(o =>
        {
            o.PageSize = 0;
            o.ReviewerClaimType = " ";
            o.MaxReasonLength = 0;
            o.RejectReasonCodes.Clear();
            o.EscalateReasonCodes.Add(new string('x', 65));
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<HitlInboxOptions>>().Value);

        Assert.Contains("HitlInboxOptions.PageSize: must be from 1 to 100, found 0.", error.Failures);
        Assert.Contains("HitlInboxOptions.ReviewerClaimType: must name a claim type, found ' '.", error.Failures);
        Assert.Contains("HitlInboxOptions.MaxReasonLength: must be at least 1, found 0.", error.Failures);
        Assert.Contains("HitlInboxOptions.RejectReasonCodes: needs at least one reason code, found none.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("HitlInboxOptions.EscalateReasonCodes: a reason code must be 1 to 64 characters", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("review")]
    [InlineData("/review/{id}")]
    [InlineData("/review?x=1")]
    public void A_prefix_that_is_not_a_plain_path_is_refused(string prefix)
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<ArgumentException>(() => app.MapHitlInbox(prefix));

        Assert.Contains($"found '{prefix}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_review_gate_the_inbox_says_which_call_adds_one()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddHitlInbox();
        builder.Services.AddAuthentication();
        await using var app = builder.Build();
        var inbox = app.Services.GetRequiredService<Hitl.Policy.AspNetCore.Inbox.InboxServices>();

        var error = Assert.Throws<InvalidOperationException>(() => inbox.Gate);

        Assert.Contains("AddHitlPolicy(...).AddReviewGate()", error.Message, StringComparison.Ordinal);
    }
}
