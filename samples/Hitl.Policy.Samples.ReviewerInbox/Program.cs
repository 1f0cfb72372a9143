// The reviewer inbox sample: one `dotnet run` starts the inbox on a SQLite file with demo cases and demo reviewers
// of two tiers. Open http://127.0.0.1:5080/, sign in as jules (junior) or sam (senior), and decide.
using System.Globalization;
using System.Text.Encodings.Web;
using Hitl.Policy;
using Hitl.Policy.AspNetCore;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.ReviewerInbox;
using Hitl.Policy.DependencyInjection;
using Microsoft.AspNetCore.Authentication.Cookies;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var database = builder.Configuration["Inbox:Database"] ?? Path.Combine(builder.Environment.ContentRootPath, "hitl-data", "inbox.db");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(database))!);

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.LoginPath = "/signin";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
    });
builder.Services.AddAuthorization();
builder.Services.AddHitlPolicy(o => o.PolicyPath = Path.Combine(AppContext.BaseDirectory, "inbox-policy.json"))
    .UseSqlite($"Data Source={database}")
    .AddReviewSink(new InMemoryReviewSink())
    .AddReviewerDirectory(DemoPeople.Directory())
    .AddReviewGate(gate =>
    {
        gate.SweepInterval = TimeSpan.FromMinutes(1);
        gate.Actions["refund.issue"] = new ActionReviewOptions { Weaknesses = "Misreads partial refunds and currencies; check the amount against the order." };
        gate.Actions["email.send"] = new ActionReviewOptions { Weaknesses = "Invents links and promises; never let it send a link you did not check." };
        gate.Actions[DemoCases.WithheldAction] = new ActionReviewOptions
        {
            Weaknesses = "Over-weights income documents in the wrong currency.",
            WithholdSuggestion = true,
        };
    });
builder.Services.AddHitlInbox(o => o.Title = "Reviewer inbox (sample)");
builder.Services.AddHealthChecks().AddHitlChecks();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", () => Results.Redirect("/signin"));
app.MapHealthChecks("/health");
SignInPage.Map(app);
app.MapHitlInbox("/review").RequireAuthorization();
app.MapHitlContest("/contest").RequireAuthorization();
app.MapGet("/mine", async (HttpContext http, IReviewGate gate) =>
{
    // The customer's own cases, each with a link to its contest page (a host would put this in its customer portal).
    var me = http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "";
    var page = await gate.Cases.QueryAsync(new CaseQuery { Subject = me, Limit = 50 });
    var html = HtmlEncoder.Default;
    var items = string.Concat(page.Cases.Select(c =>
        $"<li><a href=\"/contest/{html.Encode(Uri.EscapeDataString(c.Id))}\">{html.Encode(c.Summary ?? c.Id)}</a> ({html.Encode(c.State.ToString().ToLowerInvariant())})</li>"));
    http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
    return Results.Content($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Your cases</title></head><body><main><h1>Decisions about you, {html.Encode(me)}</h1><ul>{items}</ul></main></body></html>", "text/html; charset=utf-8");
}).RequireAuthorization();

var gate = app.Services.GetRequiredService<ReviewGate<Signals>>();
await gate.Recovery;
var opened = await DemoCases.SeedAsync(gate, app.Services.GetRequiredService<IEscalationPolicy<Signals>>(),
    DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture));
Console.WriteLine($"Reviewer inbox sample: {opened} demo cases opened in {database}.");
Console.WriteLine("Sign in at /signin (a development-only demo sign-in page, no password) as jules (junior) or sam (senior).");

await app.RunAsync();

/// <summary>The sample's entry point (public for the tests' WebApplicationFactory).</summary>
public partial class Program;
