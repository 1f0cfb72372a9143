using System.Text.Json;
using System.Text.Json.Serialization;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>
/// The JSON API for bots (chat, e-mail) acting for a signed-in reviewer: the same cases, the same rules and the same
/// gate as the pages. It takes only <c>application/json</c> bodies, which a form of another site cannot send.
/// </summary>
internal static class InboxApi
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static async Task<IResult> ListAsync(HttpContext http, string basePath)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await IdentifyAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var query = http.Request.Query;
        var filter = QueueFilter.From(query);
        var limit = InboxPages.One(query["limit"]) is { } l ? (int.TryParse(l, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1) : s.Options.PageSize;
        if (filter is null || limit is < 1 or > HitlInboxOptions.MaxPageSize)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-query",
                $"The query is not valid: state is 'pending' or 'held', action at most 128 characters, limit from 1 to {HitlInboxOptions.MaxPageSize}, after a cursor this API returned.");
        }

        var gate = s.Gate;
        try
        {
            var page = await gate.Cases.QueryAsync(InboxAccess.Queue(gate, reviewer!, filter, limit), http.RequestAborted).ConfigureAwait(false);
            return Results.Json(new { cases = page.Cases.Select(Summary), next = page.Next }, Json);
        }
        catch (ArgumentException)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-query", "The cursor 'after' is not one this API returned.");
        }
        catch (CaseStoreException)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "store-unavailable", "The case store did not answer; nothing was changed.");
        }
    }

    public static async Task<IResult> GetAsync(HttpContext http, string basePath, string id)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await IdentifyAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        var (record, problem) = await ReadAsync(http, s, reviewer!, id).ConfigureAwait(false);
        return problem ?? Results.Json(Detail(record!, reviewer!, s.Time.GetUtcNow()), Json);
    }

    public static async Task<IResult> ActAsync(HttpContext http, string basePath, string id)
    {
        var s = http.RequestServices.GetRequiredService<InboxServices>();
        var (fail, reviewer) = await IdentifyAsync(http, s, basePath).ConfigureAwait(false);
        if (fail is not null)
        {
            return fail;
        }

        if (!http.Request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "json-required", "Acts are posted as application/json; nothing was changed.");
        }

        ActRequest? body;
        try
        {
            body = await http.Request.ReadFromJsonAsync<ActRequest>(Json, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-json", $"The body is not a valid act (line {(ex.LineNumber ?? 0) + 1}); nothing was changed.");
        }

        if (body?.Act is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "missing-act", "The body needs 'act': approve, edit, reject or escalate; nothing was changed.");
        }

        var (record, problem) = await ReadAsync(http, s, reviewer!, id).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var o = s.Options;
        if (body.ReasonCode is { Length: > 64 } || (body.ReasonCode is { } rc && string.IsNullOrWhiteSpace(rc)))
        {
            return Problem(StatusCodes.Status400BadRequest, "bad-reason-code", "'reasonCode' must be 1 to 64 characters and not blank; nothing was changed.");
        }

        if (body.Reason is { } r && r.Length > o.MaxReasonLength)
        {
            return Problem(StatusCodes.Status400BadRequest, "reason-too-long", $"'reason' is {r.Length:N0} characters; at most {o.MaxReasonLength:N0} are taken. Nothing was changed.");
        }

        var gate = s.Gate;
        try
        {
            ReviewCaseView view;
            switch (body.Act)
            {
                case "approve":
                    view = await gate.ApproveAsync(new HumanAct(id, reviewer!.Id, body.ReasonCode ?? o.ApproveReasonCode, body.Reason), http.RequestAborted).ConfigureAwait(false);
                    break;
                case "edit":
                    if (string.IsNullOrWhiteSpace(body.Payload))
                    {
                        return Problem(StatusCodes.Status400BadRequest, "missing-payload", "An edit needs 'payload', the edited payload (not empty; to stop the action, reject it); nothing was changed.");
                    }

                    if (InboxText.IsJson(record!.EditedPayload ?? record.Payload) && InboxText.JsonProblem(body.Payload) is { } notJson)
                    {
                        return Problem(StatusCodes.Status400BadRequest, "payload-not-json", notJson);
                    }

                    view = await gate.EditAndApproveAsync(new HumanAct(id, reviewer!.Id, body.ReasonCode ?? o.EditReasonCode, body.Reason), body.Payload, http.RequestAborted).ConfigureAwait(false);
                    break;
                case "reject":
                case "escalate":
                    var codes = body.Act == "reject" ? o.RejectReasonCodes : o.EscalateReasonCodes;
                    if (body.ReasonCode is null || !codes.Contains(body.ReasonCode))
                    {
                        return Problem(StatusCodes.Status400BadRequest, "bad-reason-code", $"'reasonCode' must be one of: {string.Join(", ", codes)}. Nothing was changed.");
                    }

                    var act = new HumanAct(id, reviewer!.Id, body.ReasonCode, body.Reason);
                    view = body.Act == "reject"
                        ? await gate.RejectAsync(act, http.RequestAborted).ConfigureAwait(false)
                        : await gate.EscalateAsync(act, http.RequestAborted).ConfigureAwait(false);
                    break;
                default:
                    return Problem(StatusCodes.Status400BadRequest, "unknown-act", "'act' must be approve, edit, reject or escalate; nothing was changed.");
            }

            return Results.Json(new { caseId = view.CaseId, state = view.State, version = view.Version, approvers = view.Approvers, requiredApprovals = view.RequiredApprovals, requiredTier = view.RequiredTier }, Json);
        }
        catch (ReviewException ex)
        {
            return Problem(InboxRefusals.Status(ex.Code), JsonNamingPolicy.KebabCaseLower.ConvertName(ex.Code.ToString()), InboxRefusals.Describe(ex));
        }
    }

    private static async Task<(IResult? Fail, Reviewer? Reviewer)> IdentifyAsync(HttpContext http, InboxServices s, string basePath)
    {
        var (fail, reviewer) = await InboxIdentity.ReviewerAsync(http, s, basePath).ConfigureAwait(false);
        return fail is null ? (null, reviewer)
            : http.User.Identity?.IsAuthenticated != true ? (fail, null)
            : (Problem(StatusCodes.Status403Forbidden, "not-a-reviewer", "The signed-in user is not a reviewer in the reviewer directory."), null);
    }

    private static async Task<(CaseRecord? Record, IResult? Problem)> ReadAsync(HttpContext http, InboxServices s, Reviewer reviewer, string id)
    {
        CaseRecord? record;
        try
        {
            record = id.Length > 256 ? null : await s.Gate.Cases.GetAsync(id, http.RequestAborted).ConfigureAwait(false);
        }
        catch (CaseStoreException)
        {
            return (null, Problem(StatusCodes.Status503ServiceUnavailable, "store-unavailable", "The case store did not answer; nothing was changed."));
        }

        return record is null || !InboxAccess.MaySee(s.Gate, reviewer, record)
            ? (null, Problem(StatusCodes.Status404NotFound, "not-found", "There is no such case here."))
            : (record, null);
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Json(new { status, code, detail }, Json, "application/problem+json", status);

    private static object Summary(CaseRecord c) => new
    {
        caseId = c.Id,
        state = c.State,
        actionType = c.ActionType,
        summary = c.Summary,
        route = c.Route,
        requiredTier = c.RequiredTier,
        requiredApprovals = c.RequiredApprovals,
        approvals = c.Approvers.Count,
        deadlineAt = c.DeadlineAt,
        openedAt = c.OpenedAt,
    };

    private static object Detail(CaseRecord c, Reviewer reviewer, DateTimeOffset now)
    {
        var withheld = c.SuggestionWithheld && !c.RevealedTo.ContainsKey(reviewer.Id);
        var ticket = c.Ticket;
        return new
        {
            caseId = c.Id,
            version = c.Version,
            state = c.State,
            isAiGenerated = ticket?.IsAiGenerated ?? true,
            aiNotice = ticket?.AiNotice ?? ReviewTicket.AiGeneratedNotice,
            actionType = c.ActionType,
            summary = c.Summary,
            correlation = c.Correlation,
            route = c.Route,
            requiredTier = c.RequiredTier,
            requiredApprovals = c.RequiredApprovals,
            approvers = c.Approvers,
            deadlineAt = c.DeadlineAt,
            secondsLeft = c.DeadlineAt is { } d ? (long?)Math.Floor((d - now).TotalSeconds) : null,
            confidence = c.Confidence,
            risk = c.Risk,
            why = ticket?.Why,
            reasons = ticket?.FiredRuleDetails.Select(t => new { rule = t.RuleId, description = t.Description, condition = t.Condition }),
            modelWeaknesses = ticket?.ModelWeaknesses,
            suggestionWithheld = withheld,
            payload = withheld ? null : c.EditedPayload ?? c.Payload,
            history = c.History.Select(e => new { act = InboxText.Act(e.Act), at = e.At, actor = e.Actor, role = e.ActorRole, tier = e.ActorTier, reasonCode = e.ReasonCode, reason = e.Reason }),
        };
    }

    /// <summary>An act posted to the API.</summary>
    internal sealed record ActRequest(string? Act, string? ReasonCode, string? Reason, string? Payload);
}
