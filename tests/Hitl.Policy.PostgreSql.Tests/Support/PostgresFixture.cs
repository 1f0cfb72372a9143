using System.Diagnostics.CodeAnalysis;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>
/// One PostgreSQL server for every test class of the collection "postgres" (see <see cref="PostgresCollection"/>):
/// a throwaway local cluster, or the server of <c>HITL_POSTGRES_CONNECTION</c>. Tests take it in their constructor and
/// isolate with a database of their own (<see cref="NewDatabaseAsync"/>). Tests that stop the server start their own
/// with <see cref="PostgresServer.StartOwnAsync"/> instead.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? server;
    private string? database;

    public PostgresServer Server => server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    /// <summary>A database of the collection's own on the shared server, for stores that isolate by schema (<see cref="NewSchema"/>).</summary>
    public string Database => database ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    /// <summary>A fresh, empty database on the shared server; returns its connection string.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync();

    /// <summary>A schema name no store of this run has used: a store in it starts empty.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N");

    public async Task InitializeAsync()
    {
        server = await PostgresServer.StartAsync();
        database = await server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>The collection "postgres": its test classes share one <see cref="PostgresFixture"/> (and so run one at a time).</summary>
[CollectionDefinition(Name)]
[SuppressMessage("Naming", "CA1711", Justification = "An xunit collection definition, named after its collection.")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
