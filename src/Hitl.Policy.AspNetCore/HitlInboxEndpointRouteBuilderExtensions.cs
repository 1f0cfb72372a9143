using Hitl.Policy.AspNetCore.Inbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hitl.Policy.AspNetCore;

/// <summary>Maps the reviewer inbox and the contest page into the host's own app.</summary>
public static class HitlInboxEndpointRouteBuilderExtensions
{
    private const string CaseId = "{caseId}";

    /// <summary>
    /// Maps the reviewer inbox under <paramref name="prefix"/>: the queue (<c>/</c>), the case page and its acts
    /// (<c>/cases/{caseId}</c>), the operator's kill switch panel (<c>/operator</c>) and the JSON API
    /// (<c>/api/cases</c>). Every page works without JavaScript; every form carries an anti-forgery token; every response
    /// forbids scripts and framing. The signed-in user is the reviewer (<see cref="HitlInboxOptions.ReviewerClaimType"/>),
    /// looked up in the gate's reviewer directory; a case they may not see is not found.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">Where the inbox lives, for example <c>/review</c>.</param>
    /// <returns>The route group: put it behind the host's authorization, for example <c>.RequireAuthorization("reviewers")</c>.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddHitlInbox();
    /// // ...
    /// app.MapHitlInbox("/review").RequireAuthorization();
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapHitlInbox(this IEndpointRouteBuilder endpoints, string prefix = "/review")
    {
        var (group, basePath) = Group(endpoints, prefix);
        group.MapGet("/", Page(http => InboxPages.QueueAsync(http, Base(http, basePath))));
        group.MapGet("/inbox.css", Stylesheet);
        group.MapGet("/cases/" + CaseId, (HttpContext http, string caseId) => InboxPages.CaseAsync(http, Base(http, basePath), caseId));
        group.MapPost("/cases/" + CaseId + "/{act}", (HttpContext http, string caseId, string act) => InboxPages.ActAsync(http, Base(http, basePath), caseId, act));
        group.MapGet("/operator", Page(http => InboxPages.OperatorAsync(http, Base(http, basePath))));
        group.MapPost("/operator/{act}", (HttpContext http, string act) => InboxPages.OperatorActAsync(http, Base(http, basePath), act));
        group.MapGet("/api/cases", Page(http => InboxApi.ListAsync(http, Base(http, basePath))));
        group.MapGet("/api/cases/" + CaseId, (HttpContext http, string caseId) => InboxApi.GetAsync(http, Base(http, basePath), caseId));
        group.MapPost("/api/cases/" + CaseId + "/acts", (HttpContext http, string caseId) => InboxApi.ActAsync(http, Base(http, basePath), caseId));
        return group;
    }

    /// <summary>
    /// Maps the contest page of the affected person under <paramref name="prefix"/> (<c>/{caseId}</c>): the outcome of a
    /// case about them and a form to contest it. Keep it apart from the inbox and protect it the host's own way (the
    /// subjects are customers or staff, not reviewers); the person is the signed-in user whose
    /// <see cref="HitlInboxOptions.SubjectClaimType"/> claim is the case's subject.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">Where the page lives, for example <c>/contest</c>.</param>
    /// <returns>The route group, for the host's authorization.</returns>
    public static RouteGroupBuilder MapHitlContest(this IEndpointRouteBuilder endpoints, string prefix = "/contest")
    {
        var (group, basePath) = Group(endpoints, prefix);
        group.MapGet("/inbox.css", Stylesheet);
        group.MapGet("/" + CaseId, (HttpContext http, string caseId) => ContestPages.ShowAsync(http, Base(http, basePath), caseId));
        group.MapPost("/" + CaseId, (HttpContext http, string caseId) => ContestPages.ContestAsync(http, Base(http, basePath), caseId));
        return group;
    }

    private static (RouteGroupBuilder Group, string BasePath) Group(IEndpointRouteBuilder endpoints, string prefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/') || prefix.Contains('{', StringComparison.Ordinal) || prefix.Contains('?', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The prefix must be a path that starts with '/' and has no route parameters or query, found '{prefix}'.", nameof(prefix));
        }

        var basePath = prefix.TrimEnd('/');
        var group = endpoints.MapGroup(basePath.Length == 0 ? "/" : basePath);
        group.AddEndpointFilter(static async (context, next) =>
        {
            InboxHeaders.Apply(context.HttpContext.Response);
            return await next(context).ConfigureAwait(false);
        });
        // The inbox checks every form's token itself, before reading the form, whatever middleware the host runs.
        group.DisableAntiforgery();
        return (group, basePath);
    }

    /// <summary>A handler of the request alone, as a route handler (its result is written), not as a plain request delegate.</summary>
    private static Delegate Page(Func<HttpContext, Task<IResult>> handler) => handler;

    private static string Base(HttpContext http, string basePath) => http.Request.PathBase.Value + basePath;

    private static IResult Stylesheet(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        var stream = typeof(HitlInboxEndpointRouteBuilderExtensions).Assembly.GetManifestResourceStream("Hitl.Policy.AspNetCore.inbox.css")
            ?? throw new InvalidOperationException("The inbox's stylesheet is missing from Hitl.Policy.AspNetCore.");
        return Results.Stream(stream, "text/css; charset=utf-8");
    }
}
