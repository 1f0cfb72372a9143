using Hitl.Policy.AspNetCore;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.Snippets;

/// <summary>The README's section "Where people decide: the reviewer inbox".</summary>
public static class InboxSnippet
{
    /// <summary>The inbox in a host's app.</summary>
    public static void Map(WebApplicationBuilder builder, WebApplication app, IReviewerDirectory directory, IReviewSink sink)
    {
        #region inbox
        builder.Services.AddHitlPolicy(builder.Configuration.GetSection("Hitl"))
            .UseSqlite("Data Source=hitl-data/hitl.db")
            .AddReviewerDirectory(directory)            // tiers and roles come from here, never from the sign-in
            .AddReviewSink(sink)
            .AddReviewGate();
        builder.Services.AddHitlInbox();                // HitlInboxOptions: claim types, page size, reason codes

        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHitlInbox("/review").RequireAuthorization("reviewers");
        app.MapHitlContest("/contest").RequireAuthorization();   // the affected person's page, protected your own way
        #endregion
    }
}
