using Hitl.Policy.AspNetCore.Components;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>The handlers of the inbox's pages: the queue, the case page and its acts, and the operator panel.</summary>
internal static class InboxPages
{
    private const string ShownField = "shown";

    public static async Task<IResult> QueueAsync(HttpContext http, string basePath)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var frame = InboxIdentity.Frame(http, s, basePath, reviewer!);
        var query = http.Request.Query;
        if (QueueFilter.From(query) is not { } filter)
        {
            return Message(frame, StatusCodes.Status400BadRequest, "This link is not valid", "The queue's filter or page in the address is not one the inbox makes. Open the queue from its first page.");
        }

        var gate = s.Gate;
        try
        {
            // The page and the two counts are independent reads: the store runs them side by side.
            var page = gate.Cases.QueryAsync(InboxAccess.Queue(gate, reviewer!, filter, s.Options.PageSize), http.RequestAborted).AsTask();
            var mine = InboxCounts.OfAsync(gate.Cases, InboxAccess.Queue(gate, reviewer!, filter, 1) with { States = [CaseState.Pending, CaseState.Held], After = null }, http.RequestAborted).AsTask();
            var all = InboxCounts.OfAsync(gate.Cases, new CaseQuery(), http.RequestAborted).AsTask();
            await Task.WhenAll(page, mine, all).ConfigureAwait(false);
            return Render<QueuePage>(new QueueModel(frame, page.Result.Cases, page.Result.Next, filter.State, filter.ActionType, mine.Result, all.Result, Done(query)), StatusCodes.Status200OK);
        }
        catch (ArgumentException)
        {
            return Message(frame, StatusCodes.Status400BadRequest, "This link is not valid", "The page of the queue in the address is not one the inbox makes. Open the queue from its first page.");
        }
        catch (CaseStoreException)
        {
            return Message(frame, StatusCodes.Status503ServiceUnavailable, "The case store cannot be read", "The queue cannot be shown now: the case store did not answer. Nothing was changed. Try again in a moment.");
        }
    }

    public static async Task<IResult> CaseAsync(HttpContext http, string basePath, string id)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var frame = InboxIdentity.Frame(http, s, basePath, reviewer!);
        var (record, problem) = await ReadAsync(s, frame, id, http.RequestAborted).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (record is null || !InboxAccess.MaySee(s.Gate, reviewer!, record))
        {
            return NotFound(frame);
        }

        return Render<CaseReviewPage>(CaseModelFor(http, s, frame, reviewer!, record) with { Notice = Done(http.Request.Query) }, StatusCodes.Status200OK);
    }

    public static async Task<IResult> ActAsync(HttpContext http, string basePath, string id, string act)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var frame = InboxIdentity.Frame(http, s, basePath, reviewer!);
        var (form, refused) = await FormAsync(http, frame).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var (record, problem) = await ReadAsync(s, frame, id, http.RequestAborted).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var shownAt = s.ReadShown(One(form![ShownField]), reviewer!.Id, id);
        if (record is null || (!InboxAccess.MaySee(s.Gate, reviewer, record) && shownAt is null))
        {
            return NotFound(frame);
        }

        var gate = s.Gate;
        var o = s.Options;
        string? edited = null;
        try
        {
            string done;
            switch (act)
            {
                case "approve":
                    done = Done(await gate.ApproveAsync(new HumanAct(id, reviewer.Id, o.ApproveReasonCode) { ShownAt = shownAt }, http.RequestAborted).ConfigureAwait(false), "approved");
                    break;
                case "edit":
                    edited = BrowserText(One(form["payload"]) ?? "", record.EditedPayload ?? record.Payload);
                    if (string.IsNullOrWhiteSpace(edited))
                    {
                        return await Refused(http, s, frame, reviewer, id, StatusCodes.Status400BadRequest, "The edited payload is empty; to stop the action, reject it. Nothing was recorded.", edited);
                    }

                    if (InboxText.IsJson(record.EditedPayload ?? record.Payload) && InboxText.JsonProblem(edited) is { } notJson)
                    {
                        return await Refused(http, s, frame, reviewer, id, StatusCodes.Status400BadRequest, notJson, edited);
                    }

                    done = Done(await gate.EditAndApproveAsync(new HumanAct(id, reviewer.Id, o.EditReasonCode) { ShownAt = shownAt }, edited, http.RequestAborted).ConfigureAwait(false), "edited");
                    break;
                case "reject":
                {
                    var (code, reason, bad) = Reason(form, o.RejectReasonCodes, o.MaxReasonLength, required: true);
                    if (bad is not null)
                    {
                        return await Refused(http, s, frame, reviewer, id, StatusCodes.Status400BadRequest, bad, null);
                    }

                    await gate.RejectAsync(new HumanAct(id, reviewer.Id, code!, reason) { ShownAt = shownAt }, http.RequestAborted).ConfigureAwait(false);
                    done = "rejected";
                    break;
                }

                case "escalate":
                {
                    var (code, reason, bad) = Reason(form, o.EscalateReasonCodes, o.MaxReasonLength, required: false);
                    if (bad is not null)
                    {
                        return await Refused(http, s, frame, reviewer, id, StatusCodes.Status400BadRequest, bad, null);
                    }

                    await gate.EscalateAsync(new HumanAct(id, reviewer.Id, code!, reason) { ShownAt = shownAt }, http.RequestAborted).ConfigureAwait(false);
                    done = "escalated";
                    break;
                }

                case "decide":
                    await gate.RecordIndependentDecisionAsync(new HumanAct(id, reviewer.Id, "independent-decision") { ShownAt = shownAt }, One(form["decision"]) ?? "", http.RequestAborted).ConfigureAwait(false);
                    return Results.Redirect($"{basePath}/cases/{Uri.EscapeDataString(id)}?done=decided", permanent: false, preserveMethod: false);
                case "reveal":
                    await gate.RevealSuggestionAsync(new HumanAct(id, reviewer.Id, "reveal-suggestion") { ShownAt = shownAt }, http.RequestAborted).ConfigureAwait(false);
                    return Results.Redirect($"{basePath}/cases/{Uri.EscapeDataString(id)}?done=revealed", permanent: false, preserveMethod: false);
                default:
                    return NotFound(frame);
            }

            return Results.Redirect($"{basePath}/?done={done}&case={Uri.EscapeDataString(id)}", permanent: false, preserveMethod: false);
        }
        catch (ReviewException ex)
        {
            return await Refused(http, s, frame, reviewer, id, InboxRefusals.Status(ex.Code), InboxRefusals.Describe(ex), edited, shownAt);
        }
    }

    public static async Task<IResult> OperatorAsync(HttpContext http, string basePath)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath, operatorPanel: true).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var frame = InboxIdentity.Frame(http, s, basePath, reviewer!);
        if (!frame.IsOperator || s.KillSwitch is null)
        {
            return NotFound(frame);
        }

        return Render<OperatorPage>(new OperatorModel(frame, s.Gate.KillSwitch, Tokens(http), null, Done(http.Request.Query), s.Options.MaxReasonLength), StatusCodes.Status200OK);
    }

    public static async Task<IResult> OperatorActAsync(HttpContext http, string basePath, string act)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath, operatorPanel: true).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var frame = InboxIdentity.Frame(http, s, basePath, reviewer!);
        var killSwitch = s.KillSwitch;
        if (!frame.IsOperator || killSwitch is null || act is not ("engage" or "release"))
        {
            return NotFound(frame);
        }

        var (form, refused) = await FormAsync(http, frame).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var actionType = One(form!["action"]) is { Length: > 0 } a ? a.Trim() : null;
        var reason = One(form["reason"])?.Trim();
        string? error = null;
        if (actionType is { Length: > 128 })
        {
            error = "The action type is longer than 128 characters; nothing was changed.";
        }
        else if (string.IsNullOrEmpty(reason))
        {
            error = "A reason is required to turn the kill switch; nothing was changed.";
        }
        else if (reason.Length > s.Options.MaxReasonLength)
        {
            error = $"The reason is {reason.Length:N0} characters; at most {s.Options.MaxReasonLength:N0} are taken. Nothing was changed.";
        }

        if (error is null)
        {
            try
            {
                if (act == "engage")
                {
                    await killSwitch.EngageAsync(actionType, reviewer!.Id, reason!, http.RequestAborted).ConfigureAwait(false);
                }
                else
                {
                    await killSwitch.ReleaseAsync(actionType, reviewer!.Id, reason!, http.RequestAborted).ConfigureAwait(false);
                }

                return Results.Redirect($"{basePath}/operator?done={act}d", permanent: false, preserveMethod: false);
            }
            catch (ReviewException ex)
            {
                error = InboxRefusals.Describe(ex);
            }
        }

        return Render<OperatorPage>(new OperatorModel(frame, s.Gate.KillSwitch, Tokens(http), error, null, s.Options.MaxReasonLength), StatusCodes.Status400BadRequest);
    }

    internal static CaseModel CaseModelFor(HttpContext http, InboxServices s, PageFrame frame, Reviewer reviewer, CaseRecord c)
    {
        var revealed = c.RevealedTo.ContainsKey(reviewer.Id);
        return new CaseModel(frame, c, Tokens(http), s.ShownToken(reviewer.Id, c.Id, frame.Now))
        {
            MayAct = c.IsOpen && InboxAccess.MaySee(s.Gate, reviewer, c) && InboxAccess.HoldsTier(reviewer, c),
            Payload = !c.SuggestionWithheld || revealed ? c.EditedPayload ?? c.Payload : null,
            DecidedIndependently = c.IndependentDecisions.ContainsKey(reviewer.Id),
            RejectCodes = [.. s.Options.RejectReasonCodes],
            EscalateCodes = [.. s.Options.EscalateReasonCodes],
            MaxReasonLength = s.Options.MaxReasonLength,
        };
    }

    /// <summary>The case page again, with the refusal at the top and the form's input kept.</summary>
    private static async Task<IResult> Refused(HttpContext http, InboxServices s, PageFrame frame, Reviewer reviewer, string id, int status, string message, string? edited, DateTimeOffset? shownAt = null)
    {
        CaseRecord? record = null;
        try
        {
            record = await s.Gate.Cases.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        }
        catch (CaseStoreException)
        {
            // The refusal is shown on a page of its own then.
        }

        if (record is not null && shownAt is { } since && InboxText.Since(record.History, since, reviewer.Id) is { } changes)
        {
            message = $"{message} Since you opened the page: {changes}.";
        }

        return record is null
            ? Message(frame, status, "The act was refused", message)
            : Render<CaseReviewPage>(CaseModelFor(http, s, frame, reviewer, record) with { Error = message, EditedPayload = edited }, status);
    }

    private static async Task<(CaseRecord? Record, IResult? Problem)> ReadAsync(InboxServices s, PageFrame frame, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 256)
        {
            return (null, null);
        }

        try
        {
            return (await s.Gate.Cases.GetAsync(id, cancellationToken).ConfigureAwait(false), null);
        }
        catch (CaseStoreException)
        {
            return (null, Message(frame, StatusCodes.Status503ServiceUnavailable, "The case store cannot be read", "The case cannot be shown now: the case store did not answer. Nothing was changed. Try again in a moment."));
        }
    }

    /// <summary>Reads a posted form after checking its anti-forgery token; a form without a valid token is refused and not read.</summary>
    internal static async Task<(IFormCollection? Form, IResult? Refused)> FormAsync(HttpContext http, PageFrame frame)
    {
        if (!http.Request.HasFormContentType)
        {
            return (null, Message(frame, StatusCodes.Status415UnsupportedMediaType, "The form was refused", "The inbox takes its forms as HTML forms post them; nothing was changed."));
        }

        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        try
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return (null, Message(frame, StatusCodes.Status400BadRequest, "The form was refused",
                "The form came without a valid anti-forgery token (it may be old, or sent from another site). Nothing was changed. Open the page again and repeat the act."));
        }

        return (await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false), null);
    }

    internal static AntiforgeryTokenSet Tokens(HttpContext http) => http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);

    internal static RazorComponentResult Render<TComponent>(object model, int status)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TComponent>(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = status };

    internal static IResult Message(PageFrame frame, int status, string heading, string text) =>
        Render<MessagePage>(new MessageModel(frame, heading, text), status);

    internal static IResult NotFound(PageFrame frame) =>
        Message(frame, StatusCodes.Status404NotFound, "Not found", "There is no such page or case here.");

    /// <summary>
    /// A textarea's text as the reviewer meant it: browsers post its line breaks as CR LF, so an untouched multi-line
    /// payload without CR would otherwise differ from the original (and count as an edit).
    /// </summary>
    private static string BrowserText(string posted, string original) =>
        original.Contains('\r', StringComparison.Ordinal) ? posted : posted.Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>The one value of a form or query field, or <see langword="null"/> when it is missing or given more than once.</summary>
    internal static string? One(StringValues values) => values.Count == 1 ? values[0] : null;

    private static (string? Code, string? Reason, string? Problem) Reason(IFormCollection form, IList<string> codes, int max, bool required)
    {
        var code = One(form["reasonCode"]);
        var reason = One(form["reason"])?.Trim();
        if (code is null || !codes.Contains(code))
        {
            return (null, null, "Pick one of the listed reason codes; nothing was recorded.");
        }

        if (required && string.IsNullOrEmpty(reason))
        {
            return (null, null, "A rejection needs a reason in your words, for the model's owner; nothing was recorded.");
        }

        if (reason is { } r && r.Length > max)
        {
            return (null, null, $"The reason is {r.Length:N0} characters; at most {max:N0} are taken. Nothing was recorded.");
        }

        return (code, string.IsNullOrEmpty(reason) ? null : reason, null);
    }

    private static string Done(ReviewCaseView view, string act) => view.State switch
    {
        CaseState.Held => "held",
        CaseState.Pending => act + "-pending",
        _ => act,
    };

    /// <summary>What the last act did, from the fixed keys the inbox puts in its redirects (never text from the address).</summary>
    private static string? Done(IQueryCollection query)
    {
        var which = One(query["case"]) is { Length: > 0 and <= 256 } id ? $"case {id}" : "the case";
        return One(query["done"]) switch
        {
            "approved" => $"You approved {which}; it goes ahead.",
            "approved-pending" => $"You approved {which}; it needs more approvals from other reviewers.",
            "edited" => $"You edited and approved {which}; the edited payload executes.",
            "edited-pending" => $"You edited and approved {which}; it needs more approvals from other reviewers.",
            "held" => $"You approved {which}; a kill switch holds it: it runs when the switch is released, unless a reviewer rejects it first.",
            "rejected" => $"You rejected {which}; it will not run.",
            "escalated" => $"You escalated {which} to the next tier.",
            "decided" => "Your own decision is on record. You may now see the AI's suggestion, or edit and approve.",
            "revealed" => "The AI's suggestion is shown below; that you saw it is on record.",
            "engaged" => "The kill switch is engaged.",
            "released" => "The kill switch is released.",
            _ => null,
        };
    }
}
