using Hitl.Policy.Review;
using Microsoft.AspNetCore.Http;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>Who the signed-in user is to the inbox: a reviewer of the gate's directory, found by the configured claim.</summary>
internal static class InboxIdentity
{
    /// <summary>
    /// The signed-in reviewer, or the result to send instead: a challenge when nobody is signed in (whatever the host's
    /// authorization says, the inbox never serves an anonymous user), a page saying the user is not a reviewer otherwise.
    /// </summary>
    public static async Task<(IResult? Fail, Reviewer? Reviewer)> ReviewerAsync(HttpContext http, InboxServices s, string basePath, bool operatorPanel = false)
    {
        var anonymous = new PageFrame(s.Options.Title, basePath, null, null, false, s.Time.GetUtcNow());
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return (Results.Challenge(), null);
        }

        var id = http.User.FindFirst(s.Options.ReviewerClaimType)?.Value;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 256)
        {
            return (InboxPages.Message(anonymous, StatusCodes.Status403Forbidden, "Not a reviewer",
                $"Your sign-in carries no usable claim '{s.Options.ReviewerClaimType}' (HitlInboxOptions.ReviewerClaimType), so the inbox cannot tell which reviewer you are."), null);
        }

        Reviewer? reviewer;
        try
        {
            reviewer = await s.Gate.Reviewers.FindAsync(id, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (InboxPages.Message(anonymous, StatusCodes.Status503ServiceUnavailable, "The reviewer directory did not answer",
                "The inbox cannot tell your tier and roles now, so it shows nothing. Try again in a moment."), null);
        }

        var gate = s.Gate;
        if (reviewer is null || !(reviewer.HasRole(gate.ReviewerRole) || (operatorPanel && reviewer.HasRole(gate.OperatorRole))))
        {
            return (InboxPages.Message(anonymous with { UserId = id }, StatusCodes.Status403Forbidden, "Not a reviewer",
                $"You are signed in as '{id}', who is not a reviewer in the reviewer directory (role '{gate.ReviewerRole}'). Ask whoever runs the directory to add you."), null);
        }

        return (null, reviewer);
    }

    public static PageFrame Frame(HttpContext http, InboxServices s, string basePath, Reviewer reviewer) =>
        new(s.Options.Title, basePath, reviewer.Id, reviewer.Tier, reviewer.HasRole(s.Gate.OperatorRole), s.Time.GetUtcNow());
}
