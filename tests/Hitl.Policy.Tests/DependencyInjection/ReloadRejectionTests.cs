using Hitl.Policy.Definition;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Hitl.Policy.Tests.DependencyInjection;

/// <summary>
/// Issue 10 items 6 and 10: a reload that cannot become active is always logged as rejected (event 1031), never throws
/// out of the configuration or file-watcher callback, never stops the watching, and never reuses a version for other content.
/// </summary>
public class ReloadRejectionTests
{
    private const int Rejected = 1031;

    private static string Policy(string version, string largeRoute, string amount = "1000") => AddHitlPolicyTests.Policy(version, largeRoute).Replace("1000", amount, StringComparison.Ordinal);

    private static ServiceProvider Build(IConfiguration configuration, FakeLogCollector logs, Func<PolicyDefinition, SignalSchema<Signals>>? schema = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        if (schema is null)
        {
            services.AddHitlPolicy(configuration);
        }
        else
        {
            services.AddHitlPolicy(configuration, schema);
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void A_non_finite_number_in_a_reload_is_logged_as_rejected_and_the_last_good_policy_stays()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PolicyJson"] = Policy("1", "review") }).Build();
        var logs = new FakeLogCollector();
        using var provider = Build(configuration, logs);
        var policy = provider.GetRequiredService<ReloadablePolicy<Signals>>();

        configuration["PolicyJson"] = Policy("2", "review", "1e309");
        configuration.Reload();

        Assert.Equal("1", policy.PolicyVersion);
        var rejected = Assert.Single(logs.GetSnapshot(), m => m.Id.Id == Rejected);
        Assert.Contains("finite", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("amountAtLeast", rejected.Message, StringComparison.Ordinal);

        configuration["PolicyJson"] = Policy("3", "block");
        configuration.Reload();
        Assert.Equal("3", policy.PolicyVersion);
    }

    [Fact]
    public void A_schema_factory_that_throws_on_reload_is_logged_as_rejected_and_later_reloads_still_run()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PolicyJson"] = Policy("1", "review") }).Build();
        var logs = new FakeLogCollector();
        using var provider = Build(configuration, logs, d => d.Version == "2" ? throw new InvalidOperationException("schema service down") : Signals.SchemaFor(d));
        var policy = provider.GetRequiredService<ReloadablePolicy<Signals>>();

        configuration["PolicyJson"] = Policy("2", "review");
        configuration.Reload();

        Assert.Equal("1", policy.PolicyVersion);
        Assert.Contains(logs.GetSnapshot(), m => m.Id.Id == Rejected && m.Message.Contains("schema service down", StringComparison.Ordinal));
        configuration["PolicyJson"] = Policy("3", "block");
        configuration.Reload();
        Assert.Equal("3", policy.PolicyVersion);
    }

    [Fact]
    public void Other_content_under_a_version_already_activated_is_refused_and_logged()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PolicyJson"] = Policy("1", "review") }).Build();
        var logs = new FakeLogCollector();
        using var provider = Build(configuration, logs);
        var policy = provider.GetRequiredService<ReloadablePolicy<Signals>>();
        var hash = policy.PolicyHash;
        var large = new Signals { ActionType = "refund.issue", Amount = 5000 };

        configuration["PolicyJson"] = Policy("1", "block");
        configuration.Reload();

        Assert.Equal(hash, policy.PolicyHash);
        Assert.Equal(RouteLevel.Review, policy.Route(large).Route);
        Assert.Equal(hash, policy.HashFor("reload", "1"));
        var rejected = Assert.Single(logs.GetSnapshot(), m => m.Id.Id == Rejected);
        Assert.Contains("$.version", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("new version", rejected.Message, StringComparison.Ordinal);

        // The same content again is no change and is accepted; a new version with the change is too.
        configuration["PolicyJson"] = Policy("1", "review");
        configuration.Reload();
        Assert.Single(logs.GetSnapshot(), m => m.Id.Id == Rejected);
        configuration["PolicyJson"] = Policy("2", "block");
        configuration.Reload();
        Assert.Equal(RouteLevel.Block, policy.Route(large).Route);
        Assert.Equal(hash, policy.HashFor("reload", "1"));
        Assert.Equal(policy.PolicyHash, policy.HashFor("reload", "2"));
    }

    [Fact]
    public void TryReload_refuses_other_content_under_an_activated_version_with_a_clear_error()
    {
        var first = PolicyJson.Parse(Policy("1", "review"));
        using var policy = new ReloadablePolicy<Signals>(first, Signals.SchemaFor(first));
        var changed = PolicyJson.Parse(Policy("1", "block"));

        Assert.False(policy.TryReload(changed, Signals.SchemaFor(changed), out var errors));

        var error = Assert.Single(errors);
        Assert.Equal(("$.version", "\"1\""), (error.Path, error.Value));
        Assert.True(policy.TryReload(first, Signals.SchemaFor(first), out _));
    }

    [Fact]
    public async Task A_bad_file_is_logged_as_rejected_and_the_file_stays_watched()
    {
        using var watched = await WatchedPolicyFile.CreateAsync(Policy("1", "review"));
        var (path, logs, policy) = (watched.Path, watched.Logs, watched.Policy);

        await File.WriteAllTextAsync(path, Policy("2", "review", "1e309"));
        await Eventually.True(() => logs.GetSnapshot().Any(m => m.Id.Id == Rejected && m.Message.Contains("finite", StringComparison.Ordinal)));
        Assert.Equal("1", policy.PolicyVersion);

        await File.WriteAllBytesAsync(path, [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]);
        await Eventually.True(() => logs.GetSnapshot().Any(m => m.Id.Id == Rejected && m.Message.Contains("UTF-8", StringComparison.Ordinal)));

        await File.WriteAllTextAsync(path, Policy("3", "block"));
        await Eventually.True(() => policy.PolicyVersion == "3");
    }

    [Fact]
    public async Task A_policy_path_that_cannot_be_watched_is_logged_as_rejected_and_later_changes_still_reload()
    {
        using var watched = await WatchedPolicyFile.CreateAsync(Policy("1", "review"));
        var (path, configuration, logs, policy) = (watched.Path, watched.Configuration, watched.Logs, watched.Policy);

        configuration["PolicyPath"] = "bad\0path.json";
        configuration.Reload();

        Assert.Equal("1", policy.PolicyVersion);
        Assert.Contains(logs.GetSnapshot(), m => m.Id.Id == Rejected && m.Message.Contains("watching policy file", StringComparison.Ordinal));

        await File.WriteAllTextAsync(path, Policy("2", "block"));
        configuration["PolicyPath"] = path;
        configuration.Reload();
        Assert.Equal("2", policy.PolicyVersion);
        await File.WriteAllTextAsync(path, Policy("3", "block"));
        await Eventually.True(() => policy.PolicyVersion == "3");
    }

    /// <summary>A policy file in a temporary folder, watched through <c>PolicyPath</c>, with the logs captured.</summary>
    private sealed class WatchedPolicyFile : IDisposable
    {
        private readonly DirectoryInfo _directory;
        private readonly ServiceProvider _provider;

        private WatchedPolicyFile(DirectoryInfo directory, string path)
        {
            _directory = directory;
            Path = path;
            Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["PolicyPath"] = path }).Build();
            _provider = Build(Configuration, Logs);
            Policy = _provider.GetRequiredService<ReloadablePolicy<Signals>>();
        }

        public string Path { get; }

        public IConfigurationRoot Configuration { get; }

        public FakeLogCollector Logs { get; } = new();

        public ReloadablePolicy<Signals> Policy { get; }

        public static async Task<WatchedPolicyFile> CreateAsync(string json)
        {
            var directory = Directory.CreateTempSubdirectory("hitl-reload-");
            var path = System.IO.Path.Combine(directory.FullName, "policy.json");
            await File.WriteAllTextAsync(path, json);
            return new WatchedPolicyFile(directory, path);
        }

        public void Dispose()
        {
            _provider.Dispose();
            _directory.Delete(recursive: true);
        }
    }
}
