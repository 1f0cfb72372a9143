using Hitl.Policy.Audit;
using Hitl.Policy.CaseStoreContract;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Npgsql;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The schema: created and versioned on start, a newer one refused, a foreign one left alone; bad options named.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresFixture db)
{
    [Fact]
    public async Task The_first_open_creates_the_schema_and_records_its_migration_and_instances_starting_together_make_it_once()
    {
        var schema = PostgresFixture.NewSchema();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }))));
        try
        {
            await using var connection = new NpgsqlConnection(db.Database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT version, description FROM \"{schema}\".schema_migrations ORDER BY version", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(PostgreSqlCaseStore.SchemaVersion, reader.GetInt32(0));
            Assert.False(await reader.ReadAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_schema_newer_than_the_package_is_refused_and_left_as_it_was()
    {
        var schema = PostgresFixture.NewSchema();
        await using (var store = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }))
        {
            await store.CommitAsync(Create(Case("c-1")));
        }

        await ExecuteAsync($"INSERT INTO \"{schema}\".schema_migrations (version, description) VALUES (7, 'from a later release')");

        var refused = Assert.Throws<CaseStoreException>(() => PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }));

        Assert.Contains("schema version 7", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"({PostgreSqlCaseStore.SchemaVersion})", refused.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade the package", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM \"{schema}\".cases"));
    }

    [Fact]
    public async Task A_schema_with_tables_of_another_application_is_refused_and_nothing_is_written()
    {
        var schema = PostgresFixture.NewSchema();
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".cases (id int PRIMARY KEY, name text)");

        var refused = Assert.Throws<CaseStoreException>(() => PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }));

        Assert.Contains("not a Hitl.Policy case store", refused.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSqlCaseStoreOptions.Schema", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync($"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = 'schema_migrations'"));
    }

    [Fact]
    public async Task The_trail_is_append_only_in_the_database_itself()
    {
        var schema = PostgresFixture.NewSchema();
        await using var store = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema });
        await store.CommitAsync(Create(Case("c-1")));

        var update = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"UPDATE \"{schema}\".audit SET line = 'x'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"DELETE FROM \"{schema}\".audit"));
        var truncate = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"TRUNCATE \"{schema}\".audit"));

        Assert.All(new[] { update, delete, truncate }, e => Assert.Contains("append-only", e.MessageText, StringComparison.Ordinal));
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_keyed_trail_is_not_opened_without_its_keys()
    {
        var schema = PostgresFixture.NewSchema();
        await using (var keyed = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, Keys = new AuditKeyRing(K1) }))
        {
            await keyed.CommitAsync(Create(Case("c-1")));
        }

        var refused = Assert.Throws<CaseStoreException>(() => PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }));
        Assert.Contains("keyed audit trail", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'k1'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hitl", "PostgreSqlCaseStoreOptions.Schema")]
    [InlineData("hitl; DROP TABLE x", "PostgreSqlCaseStoreOptions.Schema")]
    [InlineData("", "PostgreSqlCaseStoreOptions.Schema")]
    public void Options_that_are_not_valid_are_refused_naming_the_option_and_the_value(string schema, string named)
    {
        var refused = Assert.Throws<ArgumentException>(() => PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }));
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        Assert.Contains("'" + schema + "'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_that_is_not_one_is_refused_without_showing_a_password()
    {
        var missing = Assert.Throws<ArgumentException>(() => PostgreSqlCaseStore.Open(""));
        var bad = Assert.Throws<ArgumentException>(() => PostgreSqlCaseStore.Open("Host=db;Password=hunter2;Frobnicate=1"));

        Assert.Contains("PostgreSqlCaseStoreOptions.ConnectionString", missing.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSqlCaseStoreOptions.ConnectionString", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", bad.Message, StringComparison.Ordinal);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(db.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(db.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
