using Hitl.Policy.Audit;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.PostgreSql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class DependencyInjectionTests(PostgresFixture db)
{
    [Fact]
    public async Task UsePostgreSql_binds_its_options_from_configuration_and_the_container_disposes_the_store()
    {
        var schema = PostgresFixture.NewSchema();
        var configuration = Configuration(new()
        {
            ["Hitl:Store:ConnectionString"] = db.Database,
            ["Hitl:Store:Schema"] = schema,
            ["Hitl:Store:GroupCommit"] = "false",
            ["Hitl:Store:MaxGroupSize"] = "16",
            ["Hitl:Store:ListenForChanges"] = "false",
        });
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyPath = "unused.json")
            .UsePostgreSql(configuration.GetSection("Hitl:Store"), o => o.Keys = new AuditKeyRing(K1));
        PostgreSqlCaseStore store;
        await using (var provider = services.BuildServiceProvider())
        {
            var options = provider.GetRequiredService<IOptionsMonitor<PostgreSqlCaseStoreOptions>>().Get(builder.OptionsName);
            Assert.Equal(schema, options.Schema);
            Assert.False(options.GroupCommit);
            Assert.Equal(16, options.MaxGroupSize);
            Assert.False(options.ListenForChanges);
            store = Assert.IsType<PostgreSqlCaseStore>(provider.GetRequiredService<ICaseStore>());
            Assert.Same(store.Audit, provider.GetRequiredService<IAuditStore>());
            Assert.Equal("k1", store.ActiveKeyId);
            await store.CommitAsync(Create(Case("c")));
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("c"));
        await using var reopened = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, Keys = new AuditKeyRing(K1) });
        Assert.Equal(1, (await reopened.GetAsync("c"))!.Version);
    }

    [Fact]
    public async Task UsePostgreSql_without_a_connection_string_takes_the_data_source_of_the_container_and_leaves_it_open()
    {
        var schema = PostgresFixture.NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(db.Database);
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddHitlPolicy(o => o.PolicyPath = "unused.json").UsePostgreSql(o => o.Schema = schema);
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<ICaseStore>().CommitAsync(Create(Case("c")));
        }

        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{schema}\".cases");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("Hitl:Store:Shema", "hitl", "Hitl:Store:Shema: is not a setting of the PostgreSQL case store")]
    [InlineData("Hitl:Store:Schema", "Hitl-Prod", "PostgreSqlCaseStoreOptions.Schema: must be lower-case letters")]
    [InlineData("Hitl:Store:GroupCommit", "yes", "Hitl:Store:GroupCommit: 'yes' is not true or false")]
    [InlineData("Hitl:Store:ListenForChanges", "maybe", "Hitl:Store:ListenForChanges: 'maybe' is not true or false")]
    [InlineData("Hitl:Store:MaxGroupSize", "many", "Hitl:Store:MaxGroupSize: 'many' is not a whole number")]
    [InlineData("Hitl:Store:MaxGroupSize", "0", "PostgreSqlCaseStoreOptions.MaxGroupSize: must be 1 to 10000, found 0")]
    [InlineData("Hitl:Store:ConnectionString", "", "PostgreSqlCaseStoreOptions.ConnectionString: a connection string")]
    public async Task A_bad_setting_stops_the_start_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Hitl:Store:ConnectionString"] = db.Database, [key] = value };
        var services = new ServiceCollection();
        var builder = services.AddHitlPolicy(o => o.PolicyPath = "unused.json").UsePostgreSql(Configuration(settings).GetSection("Hitl:Store"));
        await using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<PostgreSqlCaseStoreOptions>>().Get(builder.OptionsName));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
