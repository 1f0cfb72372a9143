using Hitl.Policy.Review;
using Hitl.Policy.Samples.MultiInstance;

// Two instances of a refund service on one PostgreSQL database; see MultiInstanceDemo and README.md.
const string ConnectionVariable = "HITL_POSTGRES_CONNECTION";
string? connection = null;
var schema = DemoSettings.DefaultSchema;
var fresh = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--connection" when i + 1 < args.Length:
            connection = args[++i];
            break;
        case "--schema" when i + 1 < args.Length:
            schema = args[++i];
            break;
        case "--fresh":
            fresh = true;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: Hitl.Policy.Samples.MultiInstance [--connection CONNECTION_STRING] [--schema NAME] [--fresh]");
            Console.WriteLine($"  --connection  the PostgreSQL connection string (or the environment variable {ConnectionVariable})");
            Console.WriteLine($"  --schema      the schema both instances use (default {DemoSettings.DefaultSchema})");
            Console.WriteLine("  --fresh       drop the schema first and start on an empty store");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'; see --help.");
            return 2;
    }
}

connection ??= Environment.GetEnvironmentVariable(ConnectionVariable);
if (string.IsNullOrWhiteSpace(connection))
{
    Console.Error.WriteLine($"""
        This sample needs a PostgreSQL server: give its connection string with --connection "..." or in the environment
        variable {ConnectionVariable}. The user needs to create a schema in the database.

        A throwaway local server, for example with Docker:
          docker run --rm -d --name hitl-pg -e POSTGRES_PASSWORD=hitl -p 5432:5432 postgres:17
        then:
          dotnet run --project samples/Hitl.Policy.Samples.MultiInstance -- --connection "Host=localhost;Username=postgres;Password=hitl;Database=postgres" --fresh
        (or a local installation: sudo apt-get install postgresql, and Host=/var/run/postgresql;Username=postgres run as the postgres user.)
        """);
    return 2;
}

try
{
    var report = await MultiInstanceDemo.RunAsync(new DemoSettings { ConnectionString = connection, Schema = schema, Fresh = fresh }, Console.Out);
    return report.Intact && report.HeldForReview ? 0 : 1;
}
catch (Exception ex) when (ex is CaseStoreException or ReviewException or ArgumentException or InvalidOperationException or TimeoutException or Npgsql.NpgsqlException)
{
    Console.Error.WriteLine("The demo failed: " + ex.Message);
    return 1;
}
