using System.Diagnostics;
using System.Net.Sockets;
using Hitl.Policy.PostgreSql.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The shared server of the collection "postgres": a real PostgreSQL, one empty database per caller.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_shared_server_is_a_real_PostgreSQL()
    {
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version()", connection);

        var version = (string?)await command.ExecuteScalarAsync();

        Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
        if (fixture.Server.IsLocal)
        {
            Assert.Equal("300", await ScalarAsync<string>(connection, "SHOW max_connections"));
            Assert.Equal("127.0.0.1", await ScalarAsync<string>(connection, "SHOW listen_addresses"));
            Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW fsync"));
            Assert.Equal("on", await ScalarAsync<string>(connection, "SHOW synchronous_commit"));
            Assert.StartsWith(Path.GetDirectoryName(fixture.Server.DataDirectory)!, await ScalarAsync<string>(connection, "SHOW unix_socket_directories"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Each_new_database_is_distinct_and_empty()
    {
        var first = await fixture.NewDatabaseAsync();
        var second = await fixture.Server.CreateDatabaseAsync();

        var firstName = new NpgsqlConnectionStringBuilder(first).Database;
        var secondName = new NpgsqlConnectionStringBuilder(second).Database;
        Assert.NotEqual(firstName, secondName);
        Assert.Matches("^t_[0-9a-f]{32}$", firstName);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            Assert.Equal(firstName, await ScalarAsync<string>(connection, "SELECT current_database()"));
            Assert.Equal(0L, await ScalarAsync<long>(connection, UserRelations));
            await ExecuteAsync(connection, "CREATE TABLE only_in_first (id int PRIMARY KEY)");
            Assert.Equal(1L, await ScalarAsync<long>(connection, UserRelations.Replace("count(*)", "count(*) FILTER (WHERE c.relkind = 'r')", StringComparison.Ordinal)));
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            Assert.Equal(secondName, await ScalarAsync<string>(connection, "SELECT current_database()"));
            Assert.Equal(0L, await ScalarAsync<long>(connection, UserRelations));
        }
    }

    [Fact]
    public async Task A_database_can_be_named()
    {
        var name = "named_" + Guid.NewGuid().ToString("N")[..8];

        var connectionString = await fixture.Server.CreateDatabaseAsync(name);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(name, await ScalarAsync<string>(connection, "SELECT current_database()"));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Server.CreateDatabaseAsync(new string('x', 64)));
    }

    [Fact]
    public async Task An_existing_server_cannot_be_stopped_by_a_test()
    {
        // What StartAsync returns when HITL_POSTGRES_CONNECTION is set, here pointed at the shared server.
        await using var existing = await PostgresServer.UseExistingAsync(fixture.Server.ConnectionString);
        Assert.False(existing.IsLocal);
        await using (var connection = new NpgsqlConnection(await existing.CreateDatabaseAsync()))
        {
            await connection.OpenAsync();
        }

        var stop = await Assert.ThrowsAsync<InvalidOperationException>(() => existing.StopAsync());
        Assert.Contains("needs a local cluster", stop.Message, StringComparison.Ordinal);
        Assert.Contains(PostgresServer.ConnectionVariable, stop.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => existing.KillAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => existing.StartAgainAsync());
        Assert.Throws<InvalidOperationException>(() => existing.DataDirectory);
    }

    private const string UserRelations =
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Clusters of their own, stopped, killed and started again: outside the collection, so they run beside it.</summary>
public sealed class PostgresLocalClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_stopped_cluster_refuses_connections_and_keeps_its_data_when_started_again()
    {
        var clock = Stopwatch.StartNew();
        await using var server = await PostgresServer.StartOwnAsync();
        output.WriteLine($"StartOwnAsync: {clock.ElapsedMilliseconds} ms (initdb, pg_ctl start, first connection)");
        var connectionString = await server.CreateDatabaseAsync();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await PostgresServerTests.ExecuteAsync(connection, "CREATE TABLE kept (id int PRIMARY KEY, note text NOT NULL)");
            await PostgresServerTests.ExecuteAsync(connection, "INSERT INTO kept VALUES (1, 'before the stop')");
        }

        var port = server.Port;
        clock.Restart();
        await server.StopAsync();
        output.WriteLine($"StopAsync: {clock.ElapsedMilliseconds} ms");

        Assert.False(server.IsRunning);
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        });
        Assert.True(
            refused is NpgsqlException { InnerException: SocketException } or SocketException,
            "Expected a refused connection, got " + refused);

        clock.Restart();
        await server.StartAgainAsync();
        output.WriteLine($"StartAgainAsync: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(port, server.Port);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            Assert.Equal("before the stop", await PostgresServerTests.ScalarAsync<string>(connection, "SELECT note FROM kept WHERE id = 1"));
        }
    }

    [Fact]
    public async Task A_killed_cluster_recovers_committed_data_and_dispose_removes_everything()
    {
        var server = await PostgresServer.StartOwnAsync();
        var folder = Path.GetDirectoryName(server.DataDirectory)!;
        try
        {
            var connectionString = await server.CreateDatabaseAsync();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await PostgresServerTests.ExecuteAsync(connection, "CREATE TABLE committed (id int PRIMARY KEY)");
                await PostgresServerTests.ExecuteAsync(connection, "INSERT INTO committed SELECT generate_series(1, 1000)");
            }

            await server.KillAsync();
            await server.StartAgainAsync();

            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                Assert.Equal(1000L, await PostgresServerTests.ScalarAsync<long>(connection, "SELECT count(*) FROM committed"));
            }

            Assert.Contains("not properly shut down", server.ReadLogTail(), StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists(folder), folder + " is still there");
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "A refused connection should fail at once.");
    }
}

/// <summary>Where the server binaries are looked for, and what is said when they are nowhere.</summary>
public sealed class PostgresBinariesTests
{
    [Fact]
    public void Nothing_to_find_names_the_places_and_the_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find([], pathVariable: ""));

        Assert.Contains("initdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("pg_ctl", error.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/postgresql/*/bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("HITL_POSTGRES_CONNECTION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_without_pg_ctl_is_passed_over_and_the_first_complete_one_wins()
    {
        var root = Path.Combine(Path.GetTempPath(), "hitl-pgbin-" + Guid.NewGuid().ToString("N"));
        try
        {
            var onlyInitDb = Fake(root, "only-initdb", "initdb");
            var complete = Fake(root, "complete", "initdb", "pg_ctl");
            var onPath = Fake(root, "on-path", "initdb", "pg_ctl");

            Assert.Equal(complete, PostgresBinaries.Find([Path.Combine(root, "missing"), onlyInitDb, complete], onPath).Directory);
            Assert.Equal(onPath, PostgresBinaries.Find([onlyInitDb], onlyInitDb + Path.PathSeparator + onPath).Directory);
            var error = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Find([onlyInitDb], ""));
            Assert.Contains(onlyInitDb, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_highest_installed_version_comes_first()
    {
        var root = Path.Combine(Path.GetTempPath(), "hitl-pgver-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var version in new[] { "9.6", "15", "16", "notes" })
            {
                Directory.CreateDirectory(Path.Combine(root, version));
            }

            Assert.Equal(
                new[] { "16", "15", "9.6" }.Select(version => Path.Combine(root, version, "bin")),
                PostgresBinaries.VersionedDirectories(root));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Fake(string root, string name, params string[] programs)
    {
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        foreach (var program in programs)
        {
            File.WriteAllText(Path.Combine(directory, program), "");
        }

        return directory;
    }
}
