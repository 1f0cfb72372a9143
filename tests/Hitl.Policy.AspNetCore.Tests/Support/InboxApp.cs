using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.AspNetCore.Tests.Support;

/// <summary>
/// The reviewer inbox sample as the tests run it: its own SQLite file in a fresh folder, its own clock (a
/// <see cref="FakeTimeProvider"/> started at the real time), throwaway data protection keys. In memory by default;
/// <see cref="StartKestrel"/> serves it on a loopback port for the browser.
/// </summary>
public sealed class InboxApp : WebApplicationFactory<Program>
{
    private readonly bool _sweeps;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hitl-inbox-tests", Guid.NewGuid().ToString("n"));

    /// <summary>The app; <paramref name="sweeps"/> off stops the gate's deadline timer (deadlines then apply at the next act).</summary>
    public InboxApp(bool sweeps = true) => _sweeps = sweeps;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Services a test adds to the sample's own (OpenTelemetry, say); applied before the app is built.</summary>
    public Action<IServiceCollection>? AddServices { get; init; }

    public string Database => Path.Combine(_folder, "inbox.db");

    public ReviewGate<Signals> Gate => Services.GetRequiredService<ReviewGate<Signals>>();

    public IEscalationPolicy<Signals> Policy => Services.GetRequiredService<IEscalationPolicy<Signals>>();

    public IAuditStore Audit => Gate.Cases.Audit;

    /// <summary>Serves the app with Kestrel on 127.0.0.1 (a free port) and returns its address.</summary>
    public Uri StartKestrel()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        return ClientOptions.BaseAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_folder);
        builder.UseSetting("Inbox:Database", Database);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
            AddServices?.Invoke(services);
            if (!_sweeps)
            {
                services.PostConfigureAll<ReviewGateOptions>(o => o.SweepInterval = null);
            }
        });
    }

    /// <summary>A client signed in as a demo person through the sample's sign-in page (cookies kept, redirects not followed).</summary>
    public async Task<HttpClient> SignInAsync(string user)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await PageAsync(client, "/signin");
        var form = page.Forms.Single();
        using var response = await client.PostAsync("/signin", new FormUrlEncodedContent(Fields(form, ("user", user))));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Opens a case for the tests through the gate (the policy routes it), returns its id.</summary>
    public async Task<string> OpenAsync(Signals signals, string payload, string summary = "A test case", string? requester = "support-bot", string? subject = "zoe",
        IReadOnlyDictionary<string, string>? correlation = null)
    {
        var id = $"{signals.ActionType}-test-{Guid.NewGuid():n}";
        var result = await Gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = signals,
            Decision = Policy.Route(signals),
            Payload = payload,
            CaseId = id,
            Requester = requester,
            Subject = subject,
            Summary = summary,
            Confidence = signals.Confidence,
            Correlation = correlation,
        });
        return result.CaseId;
    }

    public static Signals Refund(double amount, double confidence = 0.75) => new()
    {
        ActionType = "refund.issue",
        Amount = amount,
        Confidence = confidence,
        Reversibility = Reversibility.Reversible,
        Category = "retail",
    };

    public async Task<CaseRecord> CaseAsync(string id) => await Gate.Cases.GetAsync(id) ?? throw new InvalidOperationException($"No case {id}.");

    /// <summary>The trail's entries for one case, in order.</summary>
    public async Task<IReadOnlyList<AuditRecord>> TrailAsync(string id)
    {
        var all = new List<AuditRecord>();
        await foreach (var r in ReadAllAsync())
        {
            if (r.Entry.CaseId == id)
            {
                all.Add(r);
            }
        }

        return all;
    }

    private IAsyncEnumerable<AuditRecord> ReadAllAsync() => Audit.ReadAsync();

    public static async Task<IHtmlDocument> PageAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return await ParseAsync(response);
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    /// <summary>The fields a browser would post with the form (its hidden inputs), plus the given ones.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Fields(IHtmlFormElement form, params (string Name, string Value)[] fields) =>
        form.QuerySelectorAll<IHtmlInputElement>("input[type=hidden]").Select(i => KeyValuePair.Create(i.Name!, i.Value))
            .Concat(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    /// <summary>Posts a form of a page as a browser would, with the given fields.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, IHtmlDocument page, string action, params (string Name, string Value)[] fields)
    {
        var form = page.Forms.Single(f => f.GetAttribute("action") == action);
        return await client.PostAsync(action, new FormUrlEncodedContent(Fields(form, fields)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean; the folder is under the temp path.
            }
        }
    }
}
