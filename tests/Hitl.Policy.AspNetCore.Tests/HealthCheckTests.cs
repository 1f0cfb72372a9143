using System.Net;
using Hitl.Policy.AspNetCore.Tests.Support;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>
/// <c>AddHealthChecks().AddHitlChecks()</c>: the active policy and its last reload, each gate's store, each audit chain.
/// Every unhealthy state here is made real (a rejected reload, a store that stops answering, a trail edited on disk).
/// </summary>
public sealed class HealthCheckTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hitl-health-tests", Guid.NewGuid().ToString("n"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    public HealthCheckTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Under the temp path; the OS cleans it.
        }
    }

    private static string Policy(string version, string amount = "1000") => $$"""
        { "id": "health", "version": "{{version}}", "tiers": ["agent"],
          "defaults": { "route": "auto-execute" },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "large", "amountAtLeast": {{amount}}, "route": "review" } ] } } }
        """;

    private string Trail => Path.Combine(_folder, "audit.jsonl");

    private ServiceProvider Build(IConfiguration configuration, ICaseStore? store = null, TimeSpan? verifyEvery = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        var policy = services.AddHitlPolicy(configuration)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory(Reviewer.Create("ann", "agent", "reviewer")))
            .AddReviewGate(o => o.SweepInterval = null);
        if (store is null)
        {
            policy.AddJsonLinesAuditStore(Trail);
        }
        else
        {
            policy.AddCaseStore(store);
        }

        services.AddHealthChecks().AddHitlChecks(o => o.AuditVerifyInterval = verifyEvery ?? TimeSpan.FromMinutes(1));
        return services.BuildServiceProvider();
    }

    private static IConfigurationRoot Configuration(string policyJson) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PolicyJson"] = policyJson }).Build();

    private static async Task<HealthReport> CheckAsync(ServiceProvider provider) =>
        await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(HitlHealthChecksBuilderExtensions.Tag));

    private static async Task<string> SubmitAsync(ServiceProvider provider, double amount)
    {
        var gate = provider.GetRequiredService<ReviewGate<Signals>>();
        var signals = new Signals { ActionType = "refund.issue", Amount = amount, Confidence = 0.99 };
        return (await gate.SubmitAsync(new GateRequest<Signals> { Context = signals, Payload = "{}" })).CaseId;
    }

    [Fact]
    public async Task A_running_gate_is_healthy_and_the_data_names_the_policy_and_the_chain_head()
    {
        using var provider = Build(Configuration(Policy("1")));
        await SubmitAsync(provider, 10);
        await SubmitAsync(provider, 20);

        var report = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(["hitl-audit-chain", "hitl-case-store", "hitl-policy"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("health 1 (hash ", (string)report.Entries["hitl-policy"].Data["Signals (default)"], StringComparison.Ordinal);
        Assert.Equal(3L, report.Entries["hitl-audit-chain"].Data["Signals (default)"]); // the activation and two decisions
        Assert.Equal("reachable, no pending case", report.Entries["hitl-case-store"].Data["Signals (default)"]);
    }

    [Fact]
    public async Task A_rejected_reload_is_degraded_and_says_which_policy_stays_active_until_a_good_reload()
    {
        var configuration = Configuration(Policy("1"));
        using var provider = Build(configuration);
        await SubmitAsync(provider, 10);

        configuration["PolicyJson"] = Policy("2", "1e309");
        configuration.Reload();
        var rejected = await CheckAsync(provider);

        var policy = rejected.Entries["hitl-policy"];
        Assert.Equal(HealthStatus.Degraded, policy.Status);
        Assert.Contains("was rejected", policy.Description, StringComparison.Ordinal);
        Assert.Contains("health 1 stays active", policy.Description, StringComparison.Ordinal);
        Assert.Contains("finite", policy.Description, StringComparison.Ordinal);

        configuration["PolicyJson"] = Policy("3");
        configuration.Reload();
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Entries["hitl-policy"].Status);
    }

    [Fact]
    public async Task A_store_that_stops_answering_is_unhealthy_without_its_error_text()
    {
        var store = new SwitchableCaseStore();
        using var provider = Build(Configuration(Policy("1")), store);
        await SubmitAsync(provider, 5000);
        Assert.Equal("reachable, cases pending", (await CheckAsync(provider)).Entries["hitl-case-store"].Data["Signals (default)"]);

        store.Down = true;
        var report = await CheckAsync(provider);

        var entry = report.Entries["hitl-case-store"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("cannot be reached: IOException", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", entry.Description, StringComparison.Ordinal);
        Assert.IsType<IOException>(entry.Exception);
    }

    [Fact]
    public async Task A_trail_edited_on_disk_is_unhealthy_naming_the_broken_record_once_the_last_verification_is_stale()
    {
        using var provider = Build(Configuration(Policy("1")), verifyEvery: TimeSpan.FromMinutes(1));
        await SubmitAsync(provider, 10);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);

        var lines = await File.ReadAllLinesAsync(Trail);
        lines[1] = lines[1].Replace("\"refund.issue\"", "\"refund.issuE\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(Trail, lines);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status); // the verification of a minute ago is reused
        _time.Advance(TimeSpan.FromMinutes(1));
        var entry = (await CheckAsync(provider)).Entries["hitl-audit-chain"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("the chain breaks at record 2", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_torn_tail_is_unhealthy_and_says_how_to_repair_it()
    {
        using (var before = Build(Configuration(Policy("1"))))
        {
            await SubmitAsync(before, 10);
        }

        // A crash in the middle of a line: the next process opens the trail with a torn last line.
        await File.AppendAllTextAsync(Trail, "{\"seq\":3,\"act\":\"deci");
        using var provider = Build(Configuration(Policy("1")), verifyEvery: TimeSpan.Zero);

        var entry = (await CheckAsync(provider)).Entries["hitl-audit-chain"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("torn", entry.Description, StringComparison.Ordinal);
        Assert.Contains("hitl audit repair", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_policy_is_unhealthy_and_a_negative_interval_is_refused_naming_the_option()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddHitlChecks();
        using var provider = services.BuildServiceProvider();

        var report = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["hitl-policy"].Status);
        Assert.Contains("AddHitlPolicy", report.Entries["hitl-policy"].Description, StringComparison.Ordinal);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddHealthChecks().AddHitlChecks(o => o.AuditVerifyInterval = TimeSpan.FromSeconds(-1)));
        Assert.Contains("AuditVerifyInterval", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_inbox_sample_serves_its_health_at_slash_health()
    {
        using var app = new InboxApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    /// <summary>An in-memory store whose queries fail while <see cref="Down"/> (as a database that went away would).</summary>
    private sealed class SwitchableCaseStore : ICaseStore
    {
        private readonly InMemoryCaseStore _inner = new(new InMemoryAuditStore());

        public bool Down { get; set; }

        public IAuditStore Audit => _inner.Audit;

        public ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default) => Down ? throw Gone() : _inner.GetAsync(caseId, cancellationToken);

        public ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default) => Down ? throw Gone() : _inner.CommitAsync(commit, cancellationToken);

        public ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default) => Down ? throw Gone() : _inner.QueryAsync(query, cancellationToken);

        private static IOException Gone() => new("connection refused (Host=db;Password=hunter2)");
    }
}
