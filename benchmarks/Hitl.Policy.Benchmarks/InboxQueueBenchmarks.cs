using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using BenchmarkDotNet.Attributes;
using Hitl.Policy.AspNetCore;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// How long the reviewer inbox takes to serve a page when 10,000 cases are open: a real Kestrel on loopback, the
/// SQLite case store (the embedded default), an HTTP client in the same process. The baseline is the inbox's
/// stylesheet, the cost of the round trip alone.
/// </summary>
/// <remarks>
/// The store holds <see cref="OpenCases"/> pending cases, half of them for the junior tier and half for the senior
/// tier, opened through the gate in <c>[GlobalSetup]</c> (not timed). The signed-in user is a senior reviewer (a
/// header scheme stands in for the host's sign-in), so the queue's filters match all 10,000 cases: its first page
/// reads 25 of them in deadline order and counts them by state twice (the reviewer's and all).
/// </remarks>
[MemoryDiagnoser]
#pragma warning disable CA1001 // The client is disposed in [GlobalCleanup], as BenchmarkDotNet runs it.
public class InboxQueueBenchmarks
#pragma warning restore CA1001
{
    /// <summary>How many cases are open.</summary>
    public const int OpenCases = 10_000;

    private const string PolicyJson = """
        {
          "id": "inbox-bench", "version": "1", "tiers": ["junior", "senior"],
          "defaults": { "route": "review", "review": { "tier": "junior", "deadline": "PT8H", "onTimeout": "escalate" } },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "large", "amountAtLeast": 1000, "route": "review", "tier": "senior" } ] } }
        }
        """;

    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _directory = "";
    private string _caseUrl = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "hitl-inbox-bench-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(_directory);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(HeaderUser.Name).AddScheme<AuthenticationSchemeOptions, HeaderUser>(HeaderUser.Name, null);
        builder.Services.AddAuthorization();
        builder.Services.AddHitlPolicy(o => o.PolicyJson = PolicyJson)
            .UseSqlite($"Data Source={Path.Combine(_directory, "inbox.db")}")
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("sam", "senior", "reviewer")))
            .AddReviewGate();
        builder.Services.AddHitlInbox();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapHitlInbox("/review").RequireAuthorization();
        await _app.StartAsync();

        var gate = _app.Services.GetRequiredService<ReviewGate<Signals>>();
        var policy = _app.Services.GetRequiredService<IEscalationPolicy<Signals>>();
        var submitters = Enumerable.Range(0, 16).Select(async s =>
        {
            for (var i = s; i < OpenCases; i += 16)
            {
                var signals = new Signals { ActionType = "refund.issue", Amount = i % 2 == 0 ? 100 : 5000, Confidence = 0.8, Reversibility = Reversibility.Reversible };
                await gate.SubmitAsync(new GateRequest<Signals>
                {
                    Context = signals,
                    Decision = policy.Route(signals),
                    Payload = string.Create(CultureInfo.InvariantCulture, $"{{\"order\":{i},\"amount\":{signals.Amount}}}"),
                    CaseId = string.Create(CultureInfo.InvariantCulture, $"case-{i:D5}"),
                    Requester = "bot",
                    Summary = string.Create(CultureInfo.InvariantCulture, $"Refund for order {i}"),
                });
            }
        });
        await Task.WhenAll(submitters);

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
        _client.DefaultRequestHeaders.Add(HeaderUser.Header, "sam");
        _caseUrl = "/review/cases/case-04242";
        foreach (var url in new[] { "/review/", "/review/api/cases", _caseUrl, "/review/inbox.css" })
        {
            using var response = await _client.GetAsync(url);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}; the benchmark measures nothing.");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "stylesheet (round trip)")]
    public Task<byte[]> Stylesheet() => _client.GetByteArrayAsync("/review/inbox.css");

    [Benchmark(Description = "queue, first page (HTML)")]
    public Task<byte[]> QueuePage() => _client.GetByteArrayAsync("/review/");

    [Benchmark(Description = "queue, first page (JSON API)")]
    public Task<byte[]> QueueApi() => _client.GetByteArrayAsync("/review/api/cases");

    [Benchmark(Description = "case page")]
    public Task<byte[]> CasePage() => _client.GetByteArrayAsync(_caseUrl);

    /// <summary>Signs in whoever the request's header names: a stand-in for the host's sign-in, for the benchmark only.</summary>
    private sealed class HeaderUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "bench-header";
        public const string Header = "X-Bench-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[Header] is not [{ Length: > 0 } user])
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}
