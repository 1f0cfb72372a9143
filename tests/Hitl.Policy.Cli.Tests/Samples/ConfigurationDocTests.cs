using System.Reflection;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Cli.Tests.Samples;

/// <summary>
/// docs/configuration.md shows samples/Hitl.Policy.Snippets/appsettings.json: every key the gate and the SQLite store
/// read from configuration, each with its default. Kept true by reflection over the options and by binding the file.
/// </summary>
public class ConfigurationDocTests
{
    private static readonly string File = Cli.Repo("samples/Hitl.Policy.Snippets/appsettings.json");

    private static IConfigurationRoot Read() => new ConfigurationBuilder().AddJsonFile(File).Build();

    /// <summary>The options name of the default policy for <see cref="Signals"/> (how the registration names its options).</summary>
    private static readonly string OptionsName = "Hitl.Policy:" + typeof(Signals).FullName;

    private static IEnumerable<string> Keys(IConfiguration section) => section.GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal);

    private static IEnumerable<PropertyInfo> Settings(Type options, params string[] codeOnly) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => (p.CanWrite || p.PropertyType.IsGenericType) && !codeOnly.Contains(p.Name));

    [Fact]
    public void The_example_names_every_setting_of_the_policy_the_gate_and_the_sqlite_store()
    {
        var hitl = Read().GetSection("Hitl");

        Assert.Equal(Settings(typeof(HitlPolicyOptions), nameof(HitlPolicyOptions.Policy), "BindingProblems").Select(p => p.Name).Append("Gate").Append("Sqlite").Order(StringComparer.Ordinal),
            Keys(hitl));
        Assert.Equal(Settings(typeof(ReviewGateOptions), nameof(ReviewGateOptions.Defaults), "BindingProblems").Select(p => p.Name).Order(StringComparer.Ordinal),
            Keys(hitl.GetSection("Gate")));
        Assert.Equal(Settings(typeof(ActionReviewOptions)).Select(p => p.Name).Order(StringComparer.Ordinal), Keys(hitl.GetSection("Gate:Actions:*")));
        Assert.Equal(Settings(typeof(SqliteCaseStoreOptions), nameof(SqliteCaseStoreOptions.Keys), "BindingProblems").Select(p => p.Name).Order(StringComparer.Ordinal),
            Keys(hitl.GetSection("Sqlite")));
    }

    [Fact]
    public void Every_value_in_the_example_is_the_default_and_it_binds_without_a_problem()
    {
        // The policy file is the host's own; the test's is the sample refunds policy.
        var hitl = new ConfigurationBuilder().AddJsonFile(File)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hitl:PolicyPath"] = Cli.Repo("samples/policies/refunds.json") })
            .Build().GetSection("Hitl");
        var services = new ServiceCollection();
        services.AddHitlPolicy(hitl).UseSqlite(hitl.GetSection("Sqlite"))
            .AddReviewSink(new InMemoryReviewSink()).AddReviewerDirectory(new InMemoryReviewerDirectory()).AddReviewGate();
        using var provider = services.BuildServiceProvider();

        var gate = provider.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>().Get(OptionsName);
        var defaults = new ReviewGateOptions();
        foreach (var p in Settings(typeof(ReviewGateOptions), nameof(ReviewGateOptions.Defaults), "BindingProblems").Where(p => p.CanWrite))
        {
            Assert.True(Equals(p.GetValue(defaults), p.GetValue(gate)), $"Hitl:Gate:{p.Name} is {p.GetValue(gate)} in the example; the default is {p.GetValue(defaults)}");
        }

        Assert.Empty(gate.RetentionClasses);
        Assert.Equal(defaults.Defaults.WithholdSuggestion, gate.Defaults.WithholdSuggestion);
        var sqlite = provider.GetRequiredService<IOptionsMonitor<SqliteCaseStoreOptions>>().Get(OptionsName);
        var sqliteDefaults = new SqliteCaseStoreOptions();
        Assert.Equal((sqliteDefaults.Synchronous, sqliteDefaults.BusyTimeout, sqliteDefaults.GroupCommit, sqliteDefaults.MaxGroupSize),
            (sqlite.Synchronous, sqlite.BusyTimeout, sqlite.GroupCommit, sqlite.MaxGroupSize));
        Assert.Equal("Data Source=hitl-data/hitl.db", sqlite.ConnectionString);
        Assert.Equal(new HitlPolicyOptions().WatchPolicyFile, provider.GetRequiredService<IOptionsMonitor<HitlPolicyOptions>>().Get(OptionsName).WatchPolicyFile);
    }
}
