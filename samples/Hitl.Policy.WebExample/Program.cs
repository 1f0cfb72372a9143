using Hitl.Policy;
using Hitl.Policy.AspNetCore;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Authentication.Cookies;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateBuilder(args);

// The policy (refunds.json from the Quick example), its review gate on a SQLite file, and who may review.
builder.Services.AddHitlPolicy(o => o.PolicyPath = Path.Combine(AppContext.BaseDirectory, "refunds.json"))
    .UseSqlite("Data Source=hitl.db")
    .AddReviewSink(new InMemoryReviewSink())
    .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("sam", "supervisor", "reviewer")))
    .AddReviewGate();

// The reviewer inbox under your own sign-in, health checks, and OpenTelemetry in one line each.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
builder.Services.AddAuthorization();
builder.Services.AddHitlInbox();
builder.Services.AddHealthChecks().AddHitlChecks();
builder.Services.AddOpenTelemetry()
    .WithTracing(t => t.AddHitlInstrumentation())
    .WithMetrics(m => m.AddHitlInstrumentation());

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealthChecks("/health");
app.MapHitlInbox("/review").RequireAuthorization();

// The model proposes a refund: the gate routes it, records it, and says whether it may run now.
app.MapPost("/refunds", async (RefundProposal proposal, ReviewGate<Signals> gate) =>
{
    var signals = new Signals
    {
        ActionType = "refund.issue",
        RequestId = proposal.OrderId,
        Confidence = proposal.Confidence,
        Amount = proposal.Amount,
        Reversibility = Reversibility.Reversible,
    };
    signals.Numbers["customer.chargebacks"] = proposal.Chargebacks;
    var result = await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Payload = $"refund {proposal.Amount} EUR on order {proposal.OrderId}" });
    return Results.Ok(new { result.CaseId, route = result.Route.ToJsonName(), runsNow = result.MayExecute });
});

await app.RunAsync();

/// <summary>A refund the model proposes.</summary>
internal sealed record RefundProposal(string OrderId, double Confidence, double Amount, int Chargebacks);
