using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>
/// A real PostgreSQL server for tests, never a mock: by default a throwaway cluster of its own (initdb into a new
/// folder under /tmp, pg_ctl start on a free port of 127.0.0.1, the folder removed on dispose); with
/// <c>HITL_POSTGRES_CONNECTION</c> set, the existing server that admin connection string names.
/// </summary>
/// <remarks>
/// Tests isolate by database (<see cref="CreateDatabaseAsync"/>). Durability settings are PostgreSQL's defaults
/// (fsync on), so what a test measures or recovers is what a real server does. When the tests run as root, initdb and
/// pg_ctl run as the user <c>postgres</c> through <c>runuser</c>, since PostgreSQL refuses to run as root.
/// The lifecycle methods (stop, start again, kill, dispose) are for one test at a time, not for concurrent callers.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>An admin connection string to an existing server to use instead of a cluster of our own.</summary>
    public const string ConnectionVariable = "HITL_POSTGRES_CONNECTION";

    private const string ServiceUser = "postgres";
    private const string SettingsFile = "hitl-test.conf";
    private const int PortAttempts = 5;
    private static readonly TimeSpan PgCtlWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    // Clusters not yet disposed: stopped at process exit should a test run end without disposing them.
    private static readonly ConcurrentDictionary<PostgresServer, byte> Live = new();
    private static int exitHookRegistered;

    private readonly PostgresBinaries? binaries;
    private readonly string? root;
    private readonly string? runAs;
    private readonly string? existingConnectionString;
    private readonly ConcurrentQueue<string> createdDatabases = new();
    private int port;
    private int disposed;

    private PostgresServer(PostgresBinaries binaries, string root, string? runAs)
    {
        this.binaries = binaries;
        this.root = root;
        this.runAs = runAs;
    }

    private PostgresServer(string existingConnectionString, int port)
    {
        this.existingConnectionString = existingConnectionString;
        this.port = port;
    }

    /// <summary>Whether this is a cluster of our own (false: the server of <c>HITL_POSTGRES_CONNECTION</c>).</summary>
    public bool IsLocal => root is not null;

    /// <summary>Whether the local cluster's postmaster is up (its postmaster.pid exists); always true for an existing server.</summary>
    public bool IsRunning => !IsLocal || File.Exists(PidFile);

    /// <summary>The admin connection string: user postgres, database postgres, Npgsql's defaults otherwise.</summary>
    public string ConnectionString =>
        existingConnectionString ?? new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = ServiceUser,
            Database = "postgres",
        }.ConnectionString;

    /// <summary>The TCP port the server listens on (127.0.0.1); the same after <see cref="StartAgainAsync"/>.</summary>
    public int Port => port;

    /// <summary>The cluster's data directory (PGDATA).</summary>
    public string DataDirectory => Path.Combine(LocalRoot("DataDirectory"), "data");

    /// <summary>The server log: every start of the cluster appends to it.</summary>
    public string LogFile => Path.Combine(LocalRoot("LogFile"), "server.log");

    private string PidFile => Path.Combine(DataDirectory, "postmaster.pid");

    /// <summary>
    /// The server for a test: the one <c>HITL_POSTGRES_CONNECTION</c> names when it is set, else a new local cluster
    /// (see <see cref="StartOwnAsync"/>). Returns once it accepts connections.
    /// </summary>
    public static Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var existing = Environment.GetEnvironmentVariable(ConnectionVariable);
        return string.IsNullOrWhiteSpace(existing)
            ? StartOwnAsync(cancellationToken)
            : UseExistingAsync(existing, cancellationToken);
    }

    /// <summary>
    /// A new local cluster whatever the environment says, for tests that stop, kill or restart the server: initdb into
    /// a new folder, then pg_ctl start on a free port of 127.0.0.1 (another port if that one is taken meanwhile).
    /// Returns once it accepts connections.
    /// </summary>
    public static async Task<PostgresServer> StartOwnAsync(CancellationToken cancellationToken = default)
    {
        var binaries = await PostgresBinaries.LocateAsync(cancellationToken);
        string? runAs = null;
        if (Environment.UserName == "root")
        {
            await EnsureServiceUserAsync(cancellationToken);
            runAs = ServiceUser;
        }

        // Under root the folder must be one postgres can reach: /tmp, not a TMPDIR only root can traverse.
        var parent = runAs is null ? Path.GetTempPath() : "/tmp";
        var root = Path.Combine(parent, "hitl-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        // initdb (as postgres under root) creates data/ itself, owned by the user it runs as, mode 0700.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, runAs is null
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                : (UnixFileMode)0b111_111_111);
        }

        var server = new PostgresServer(binaries, root, runAs);
        Track(server);
        try
        {
            await server.InitDbAsync(cancellationToken);
            await server.StartOnFreePortAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The existing server of <paramref name="adminConnectionString"/>, checked to accept connections.</summary>
    internal static async Task<PostgresServer> UseExistingAsync(string adminConnectionString, CancellationToken cancellationToken = default)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(adminConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{ConnectionVariable} is not a valid Npgsql connection string: {e.Message}", e);
        }

        var server = new PostgresServer(builder.ConnectionString, builder.Port);
        try
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"{ConnectionVariable} is set, but its server (port {builder.Port}) does not accept connections: {e.Message}. "
                + $"Unset {ConnectionVariable} to have the tests start a cluster of their own.", e);
        }

        return server;
    }

    /// <summary>
    /// Creates a fresh, empty database (from template0, UTF8, collation C) named <paramref name="name"/> or
    /// <c>t_&lt;guid&gt;</c>, and returns the admin connection string pointed at it.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        name ??= "t_" + Guid.NewGuid().ToString("N");
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 63)
        {
            // PostgreSQL would silently cut a longer name to 63 bytes, and the returned connection string would miss it.
            throw new ArgumentException("A database name is 1 to 63 bytes long.", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "CREATE DATABASE " + QuoteIdentifier(name) + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
                connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        createdDatabases.Enqueue(name);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the local cluster cleanly (<c>pg_ctl stop -m fast</c>) and returns once connections are refused.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        EnsureLocal(nameof(StopAsync));
        await StopAsync("fast", "Stopping the cluster", cancellationToken);
    }

    /// <summary>
    /// Stops the local cluster abruptly (<c>pg_ctl stop -m immediate</c>: no checkpoint, crash recovery at the next
    /// start) and returns once connections are refused.
    /// </summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        EnsureLocal(nameof(KillAsync));
        await StopAsync("immediate", "Killing the cluster", cancellationToken);
    }

    /// <summary>Starts the stopped local cluster again, same data directory, same port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        EnsureLocal(nameof(StartAgainAsync));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (File.Exists(PidFile))
        {
            throw new InvalidOperationException($"The cluster is still running ({PidFile} exists): stop or kill it before starting it again.");
        }

        var result = await PgCtlStartAsync(cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure($"Starting the cluster again on port {port}", result);
        }

        await WaitUntilUpAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Returns once the server accepts a connection and answers <c>SELECT 1</c>; throws <see cref="TimeoutException"/> after <paramref name="timeout"/> (30 s).</summary>
    public async Task WaitUntilUpAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultWait;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string problem;
            try
            {
                await using var connection = new NpgsqlConnection(ProbeConnectionString());
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException e)
            {
                problem = e.Message;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"The server on port {port} did not accept connections within {limit.TotalSeconds:0} s ({problem}).{LogTailForMessage()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>
    /// Returns once connections to the port are refused (and, for the local cluster, its postmaster.pid is gone);
    /// throws <see cref="TimeoutException"/> after <paramref name="timeout"/> (30 s).
    /// </summary>
    public async Task WaitUntilDownAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultWait;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string problem;
            try
            {
                await using var connection = new NpgsqlConnection(ProbeConnectionString());
                await connection.OpenAsync(cancellationToken);
                problem = "it still accepts connections";
            }
            catch (NpgsqlException e) when (IsRefused(e))
            {
                if (!IsLocal || !File.Exists(PidFile))
                {
                    return;
                }

                problem = "connections are refused but postmaster.pid is still there";
            }
            catch (NpgsqlException e)
            {
                // "the database system is shutting down" and the like: on its way down.
                problem = e.Message;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"The server on port {port} was not down within {limit.TotalSeconds:0} s: {problem}.{LogTailForMessage()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of the server log (empty when there is none).</summary>
    public string ReadLogTail(int lines = 40)
    {
        try
        {
            if (!File.Exists(LogFile))
            {
                return "";
            }

            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException e)
        {
            return "(could not read the server log: " + e.Message + ")";
        }
        catch (UnauthorizedAccessException e)
        {
            return "(could not read the server log: " + e.Message + ")";
        }
    }

    /// <summary>
    /// Local cluster: stopped (<c>-m immediate</c>) if still running, its folder deleted. Existing server: the databases
    /// this object created are dropped. Npgsql's pools are cleared either way. Never throws.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (IsLocal)
            {
                await ShutDownAndDeleteAsync();
            }
            else
            {
                await DropCreatedDatabasesAsync();
            }
        }
#pragma warning disable CA1031 // Dispose must not throw; whatever is left behind is in a folder under /tmp.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Live.TryRemove(this, out _);
            NpgsqlConnection.ClearAllPools();
        }
    }

    private static void Track(PostgresServer server)
    {
        Live.TryAdd(server, 0);
        if (Interlocked.Exchange(ref exitHookRegistered, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                foreach (var leftOver in Live.Keys)
                {
                    leftOver.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(20));
                }
            };
        }
    }

    private static async Task EnsureServiceUserAsync(CancellationToken cancellationToken)
    {
        PostgresProcessResult result;
        try
        {
            result = await PostgresProcess.RunAsync("id", ["-u", ServiceUser], runAs: null, workingDirectory: null, TimeSpan.FromSeconds(15), cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"The tests run as root, so the cluster must run as the user '{ServiceUser}', but `id` could not check for it: {e.Message}", e);
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The tests run as root, and initdb and postgres refuse to run as root, so the cluster runs as the user '{ServiceUser}' "
                + $"(through runuser), but there is no such user ({result.Output}). Install the Debian/Ubuntu package "
                + $"(`apt-get install -y postgresql` creates it), create it (`useradd --system --user-group {ServiceUser}`), "
                + $"run the tests as another user, or set {ConnectionVariable} to an existing server.");
        }
    }

    private async Task InitDbAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            binaries!.InitDb,
            ["-D", DataDirectory, "-U", ServiceUser, "-A", "trust", "-E", "UTF8", "--locale=C"],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure("initdb", result);
        }

        // The server's own settings live beside postgresql.conf, so that a start again (or a manual pg_ctl start) keeps them.
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"{Environment.NewLine}include = '{SettingsFile}'{Environment.NewLine}",
            cancellationToken);
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            port = FreePort();
            await WriteSettingsAsync(cancellationToken);
            var logBefore = LogLength();
            var result = await PgCtlStartAsync(cancellationToken);
            if (result.ExitCode == 0)
            {
                await WaitUntilUpAsync(cancellationToken: cancellationToken);
                return;
            }

            // The port was free when we looked; another process may have bound it since. Any other failure is final.
            if (attempt < PortAttempts && ReadLogFrom(logBefore).Contains("Address already in use", StringComparison.Ordinal))
            {
                continue;
            }

            throw Failure($"Starting the cluster on port {port} (attempt {attempt})", result);
        }
    }

    private async Task WriteSettingsAsync(CancellationToken cancellationToken)
    {
        var settings = string.Join(
            Environment.NewLine,
            "# Written by the tests' PostgresServer: a throwaway cluster, reachable on 127.0.0.1 and a socket in its own folder.",
            "port = " + port.ToString(CultureInfo.InvariantCulture),
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '" + root!.Replace("'", "''", StringComparison.Ordinal) + "'",
            "max_connections = 300",
            "");
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, SettingsFile), settings, cancellationToken);
    }

    private Task<PostgresProcessResult> PgCtlStartAsync(CancellationToken cancellationToken) =>
        RunAsync(
            binaries!.PgCtl,
            ["-D", DataDirectory, "-l", LogFile, "-w", "-t", Seconds(PgCtlWait), "start"],
            cancellationToken);

    private async Task StopAsync(string mode, string what, CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            binaries!.PgCtl,
            ["-D", DataDirectory, "-m", mode, "-w", "-t", Seconds(PgCtlWait), "stop"],
            cancellationToken);
        if (result.ExitCode != 0)
        {
            throw Failure(what, result);
        }

        // Idle pooled connections point at a server that is gone; in-use ones are closed when they are returned.
        NpgsqlConnection.ClearAllPools();
        await WaitUntilDownAsync(cancellationToken: cancellationToken);
    }

    private async Task ShutDownAndDeleteAsync()
    {
        if (File.Exists(PidFile))
        {
            try
            {
                await RunAsync(binaries!.PgCtl, ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"], CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
            }
            catch (TimeoutException)
            {
            }

            if (File.Exists(PidFile))
            {
                KillPostmaster();
            }
        }

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root!, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 3)
            {
                await Task.Delay(200);
            }
            catch (UnauthorizedAccessException) when (attempt < 3)
            {
                await Task.Delay(200);
            }
        }
    }

    // Last resort when pg_ctl could not stop it: the postmaster's pid is the first line of postmaster.pid.
    private void KillPostmaster()
    {
        try
        {
            var first = File.ReadLines(PidFile).FirstOrDefault();
            if (!int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
            {
                return;
            }

            using var postmaster = Process.GetProcessById(pid);
            if (postmaster.ProcessName == "postgres")
            {
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
#pragma warning disable CA1031 // Best effort while disposing: the process may be gone, or not ours.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task DropCreatedDatabasesAsync()
    {
        // Connections of the tests to these databases must go first; FORCE ends the ones still in use (PostgreSQL 13+).
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        while (createdDatabases.TryDequeue(out var name))
        {
            try
            {
                await using var command = new NpgsqlCommand("DROP DATABASE IF EXISTS " + QuoteIdentifier(name) + " WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException)
            {
                // Left for whoever owns the server.
            }
        }
    }

    private Task<PostgresProcessResult> RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        PostgresProcess.RunAsync(file, arguments, runAs, root, ProcessTimeout, cancellationToken);

    private InvalidOperationException Failure(string what, PostgresProcessResult result) =>
        new($"{what} failed: `{result.Command}` exited with code {result.ExitCode}.{Environment.NewLine}"
            + $"Its output:{Environment.NewLine}{result.Output}{LogTailForMessage()}");

    private string LogTailForMessage()
    {
        if (!IsLocal)
        {
            return "";
        }

        var tail = ReadLogTail();
        return $"{Environment.NewLine}Server log {LogFile}, last lines:{Environment.NewLine}{(tail.Length == 0 ? "(empty or missing)" : tail)}";
    }

    private long LogLength()
    {
        try
        {
            return File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private string ReadLogFrom(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    private void EnsureLocal(string operation)
    {
        if (!IsLocal)
        {
            throw new InvalidOperationException(
                $"{operation}: a test that stops the server needs a local cluster, and this is the existing server of {ConnectionVariable}. "
                + $"Start it with PostgresServer.StartOwnAsync, or unset {ConnectionVariable} (the server binaries initdb and pg_ctl "
                + "must be installed: `apt-get install -y postgresql` on Debian/Ubuntu).");
        }
    }

    private string LocalRoot(string member) =>
        root ?? throw new InvalidOperationException($"{member}: the existing server of {ConnectionVariable} is not a local cluster.");

    private string ProbeConnectionString() =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 3, CommandTimeout = 5 }.ConnectionString;

    private static bool IsRefused(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var free = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return free;
    }

    private static string Seconds(TimeSpan span) => ((int)span.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
