using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.Sqlite.Tests;

public sealed class DependencyInjectionTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task UseSqlite_registers_the_store_and_its_trail_opened_at_first_use_and_disposed_with_the_container()
    {
        var db = _directory.File(Path.Combine("data", "hitl.db"));
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyPath = "unused.json")
            .UseSqlite("Data Source=" + db, o => o.Keys = new AuditKeyRing(K1));
        SqliteCaseStore store;
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.False(File.Exists(db));
            store = Assert.IsType<SqliteCaseStore>(provider.GetRequiredService<ICaseStore>());
            Assert.Same(store.Audit, provider.GetRequiredService<IAuditStore>());
            Assert.Equal("k1", store.ActiveKeyId);
            await store.CommitAsync(Create(Case("c")));
            Assert.True(File.Exists(db));
            _ = builder;
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("c"));
        await using var reopened = SqliteCaseStore.OpenReadOnly(db, new AuditKeyRing(K1));
        Assert.NotNull(await reopened.GetAsync("c"));
    }

    [Fact]
    public async Task UseSqlite_binds_its_options_from_configuration()
    {
        var db = _directory.File("hitl.db");
        var configuration = Configuration(new()
        {
            ["Hitl:Store:ConnectionString"] = "Data Source=" + db,
            ["Hitl:Store:Synchronous"] = "normal",
            ["Hitl:Store:BusyTimeout"] = "PT2.5S",
            ["Hitl:Store:GroupCommit"] = "false",
            ["Hitl:Store:MaxGroupSize"] = "16",
        });
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyPath = "unused.json").UseSqlite(configuration.GetSection("Hitl:Store"));
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SqliteCaseStoreOptions>>().Get(builder.OptionsName);
        Assert.Equal("Data Source=" + db, options.ConnectionString);
        Assert.Equal(SqliteSynchronous.Normal, options.Synchronous);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.BusyTimeout);
        Assert.False(options.GroupCommit);
        Assert.Equal(16, options.MaxGroupSize);
        var store = provider.GetRequiredService<ICaseStore>();
        await store.CommitAsync(Create(Case("c")));
        Assert.Equal(1, (await store.GetAsync("c"))!.Version);
    }

    [Theory]
    [InlineData("Hitl:Store:Synchronus", "Full", "Hitl:Store:Synchronus: is not a setting of the SQLite case store")]
    [InlineData("Hitl:Store:Synchronous", "Extra", "Hitl:Store:Synchronous: 'Extra' is not Full or Normal")]
    [InlineData("Hitl:Store:Synchronous", "1", "Hitl:Store:Synchronous: '1' is not Full or Normal")]
    [InlineData("Hitl:Store:BusyTimeout", "5 seconds", "Hitl:Store:BusyTimeout: '5 seconds' is not a duration")]
    [InlineData("Hitl:Store:BusyTimeout", "-00:00:01", "SqliteCaseStoreOptions.BusyTimeout: must be more than zero")]
    [InlineData("Hitl:Store:GroupCommit", "yes", "Hitl:Store:GroupCommit: 'yes' is not true or false")]
    [InlineData("Hitl:Store:MaxGroupSize", "many", "Hitl:Store:MaxGroupSize: 'many' is not a whole number")]
    [InlineData("Hitl:Store:MaxGroupSize", "0", "SqliteCaseStoreOptions.MaxGroupSize: must be 1 to 100000, found 0")]
    [InlineData("Hitl:Store:ConnectionString", "Data Source=:memory:", "names no database file")]
    public async Task A_bad_setting_stops_the_start_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Hitl:Store:ConnectionString"] = "Data Source=" + _directory.File("hitl.db"), [key] = value };
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyPath = "unused.json").UseSqlite(Configuration(settings).GetSection("Hitl:Store"));
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SqliteCaseStoreOptions>>().Get(builder.OptionsName));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("hitl.db")));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
