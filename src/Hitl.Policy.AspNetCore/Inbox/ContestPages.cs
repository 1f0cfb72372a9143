using Hitl.Policy.AspNetCore.Components;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>
/// The affected person's page: the outcome of a case about them and a form to contest it. The person is the signed-in
/// user whose subject claim equals the case's subject; for anyone else the case does not exist.
/// </summary>
internal static class ContestPages
{
    public static async Task<IResult> ShowAsync(HttpContext http, string basePath, string id)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, frame, record) = await FindAsync(http, s, basePath, id).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var notice = InboxPages.One(http.Request.Query["done"]) == "contested"
            ? "Your contest is on record. A person who did not decide the case before will review it."
            : null;
        return InboxPages.Render<ContestPage>(new ContestModel(frame, record!, InboxPages.Tokens(http), null, notice, s.Options.MaxReasonLength), StatusCodes.Status200OK);
    }

    public static async Task<IResult> ContestAsync(HttpContext http, string basePath, string id)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, frame, record) = await FindAsync(http, s, basePath, id).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var (form, refused) = await InboxPages.FormAsync(http, frame).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var reason = InboxPages.One(form!["reason"])?.Trim();
        string error;
        if (string.IsNullOrEmpty(reason))
        {
            error = "Say in your words why you contest the outcome; nothing was recorded.";
        }
        else if (reason.Length > s.Options.MaxReasonLength)
        {
            error = $"Your reason is {reason.Length:N0} characters; at most {s.Options.MaxReasonLength:N0} are taken. Nothing was recorded.";
        }
        else
        {
            try
            {
                await s.Gate.ContestAsync(new HumanAct(id, frame.UserId!, s.Options.ContestReasonCode, reason), http.RequestAborted).ConfigureAwait(false);
                return Results.Redirect($"{basePath}/{Uri.EscapeDataString(id)}?done=contested", permanent: false, preserveMethod: false);
            }
            catch (ReviewException ex)
            {
                error = ex.Code == ReviewErrorCode.InvalidState
                    ? "The case is still under review or held, so there is nothing to contest yet."
                    : InboxRefusals.Describe(ex);
            }
        }

        return InboxPages.Render<ContestPage>(new ContestModel(frame, record!, InboxPages.Tokens(http), error, null, s.Options.MaxReasonLength), StatusCodes.Status400BadRequest);
    }

    private static async Task<(IResult? Fail, PageFrame Frame, CaseRecord? Record)> FindAsync(HttpContext http, InboxServices s, string basePath, string id)
    {
        var frame = new PageFrame(s.Options.Title, basePath, null, null, false, s.Time.GetUtcNow());
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return (Results.Challenge(), frame, null);
        }

        var subject = http.User.FindFirst(s.Options.SubjectClaimType)?.Value;
        frame = frame with { UserId = subject };
        if (string.IsNullOrWhiteSpace(subject) || id.Length > 256)
        {
            return (InboxPages.NotFound(frame), frame, null);
        }

        CaseRecord? record;
        try
        {
            record = await s.Gate.Cases.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        }
        catch (CaseStoreException)
        {
            return (InboxPages.Message(frame, StatusCodes.Status503ServiceUnavailable, "The case store cannot be read", "Your case cannot be shown now. Try again in a moment."), frame, null);
        }

        return record is null || !string.Equals(record.Subject, subject, StringComparison.Ordinal)
            ? (InboxPages.NotFound(frame), frame, null)
            : (null, frame, record);
    }
}
