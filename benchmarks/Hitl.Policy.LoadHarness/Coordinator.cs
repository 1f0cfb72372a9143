using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Hitl.Policy.PostgreSql;
using Npgsql;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// Runs the measurement for each instance count: a fresh schema, that many worker processes started together, one
/// window measured by all of them at once, then the trail checked against what they wrote and verified.
/// </summary>
internal static class Coordinator
{
    public const string Usage = """
        Hitl.Policy.LoadHarness: audited decisions per second on one PostgreSQL database with 1, 2, 4... instances
        (separate processes, each with its own PostgreSqlCaseStore and gate), and the latency of an act and of a submit.

          dotnet run -c Release --project benchmarks/Hitl.Policy.LoadHarness -- \
            --connection "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres" \
            --instances 1,2,4 --seconds 15 --submitters 32 [--warmup 2] [--out results.json] [--keep]

          --connection   the database (or set HITL_POSTGRES_CONNECTION)
          --instances    instance counts to run, one after another (default 1,2,4)
          --seconds      the measured window of each run (default 15)
          --warmup       seconds run before the window, not counted (default 2)
          --submitters   concurrent submitter loops in each instance (default 32)
          --out          also write the results as JSON to this file
          --keep         keep the schemas (load_<n>_<id>) instead of dropping them
        """;

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new Arguments(args, new HashSet<string>(["keep"], StringComparer.Ordinal));
        var connection = arguments.Text("connection");
        if (string.IsNullOrWhiteSpace(connection))
        {
            connection = Environment.GetEnvironmentVariable(Protocol.ConnectionVariable);
        }

        var instanceCounts = arguments.IntegerList("instances", [1, 2, 4], 1, 64);
        var seconds = arguments.Number("seconds", 15, 0.5, 86_400);
        var warmup = arguments.Number("warmup", 2, 0, 3_600);
        var submitters = arguments.Integer("submitters", 32, 1, 4096);
        var outPath = arguments.Text("out");
        var keep = arguments.Flag("keep");
        arguments.RejectUnknown();
        if (string.IsNullOrWhiteSpace(connection))
        {
            await Console.Error.WriteLineAsync(
                $"No database to run on: give --connection \"Host=...;Port=...;Username=...;Database=...\" or set the environment variable {Protocol.ConnectionVariable}.").ConfigureAwait(false);
            return 2;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connection);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            await Console.Error.WriteLineAsync($"The connection string is not a PostgreSQL connection string ({ex.Message}).").ConfigureAwait(false);
            return 2;
        }

        using var interrupt = new CancellationTokenSource();
        using var children = new Children();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            // The first signal stops the run cleanly (children killed now, schemas dropped on the way out); a second ends it at once.
            children.KillAll();
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true;
                interrupt.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        var startedAt = DateTimeOffset.UtcNow;
        var database = string.Create(CultureInfo.InvariantCulture, $"{(string.IsNullOrEmpty(builder.Host) ? "localhost" : builder.Host)}:{builder.Port}/{builder.Database ?? builder.Username}");
        var runs = new List<RunResult>();
        var schemas = new List<string>();
        var interrupted = false;
        string? failure = null;
        await using var dataSource = NpgsqlDataSource.Create(connection);
        try
        {
            database += ", " + await ScalarAsync<string>(dataSource, "SHOW server_version", interrupt.Token).ConfigureAwait(false);
            foreach (var n in instanceCounts)
            {
                var schema = string.Create(CultureInfo.InvariantCulture, $"load_{n}_{Guid.NewGuid().ToString("N")[..8]}");
                schemas.Add(schema);
                runs.Add(await RunOnceAsync(dataSource, connection, schema, n, seconds, warmup, submitters, children, interrupt.Token).ConfigureAwait(false));
                children.KillAll();
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            interrupted = true;
        }
        catch (Exception ex) when (ex is HarnessException or NpgsqlException or Review.CaseStoreException or Audit.AuditStoreException or InvalidOperationException or TimeoutException)
        {
            // Workers that got the terminal's Ctrl+C too may end before the coordinator sees its own: that is the interruption, not a failure.
            interrupted = interrupt.IsCancellationRequested;
            failure = interrupted ? null : ex.Message;
        }
        finally
        {
            children.KillAll();
            if (!keep)
            {
                await DropAsync(dataSource, schemas).ConfigureAwait(false);
            }
        }

        if (interrupted)
        {
            await Console.Error.WriteLineAsync("Interrupted: the workers were stopped" + (keep ? "." : " and the schemas dropped.")).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            await Console.Error.WriteLineAsync("The run failed: " + failure).ConfigureAwait(false);
        }

        var markdown = Markdown(runs, seconds, warmup, submitters);
        await Console.Out.WriteAsync(markdown).ConfigureAwait(false);
        var passed = failure is null && !interrupted && runs.All(r => r.Passed);
        if (outPath is not null)
        {
            var report = new LoadReport
            {
                StartedAt = startedAt,
                Machine = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, .NET {Environment.Version}"),
                Database = database,
                Seconds = seconds,
                WarmupSeconds = warmup,
                Submitters = submitters,
                InstanceCounts = instanceCounts,
                Runs = runs,
                Markdown = markdown,
                Passed = passed,
                Interrupted = interrupted,
            };
            await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(report, HarnessJson.Indented.LoadReport) + "\n", CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync("Wrote " + Path.GetFullPath(outPath)).ConfigureAwait(false);
        }

        return interrupted ? 130 : passed ? 0 : 1;
    }

    private static async Task<RunResult> RunOnceAsync(
        NpgsqlDataSource dataSource, string connection, string schema, int instances, double seconds, double warmup, int submitters, Children children, CancellationToken cancellationToken)
    {
        Log($"{instances} instance(s) x {submitters} submitters on schema {schema}: starting the workers");

        // The schema is made here, before any worker starts: a fresh one per run, so every run starts on an empty trail.
        await using var store = PostgreSqlCaseStore.Open(connection, new PostgreSqlCaseStoreOptions { Schema = schema, GroupCommit = true, ListenForChanges = false });
        string[] workerArguments(int i) =>
        [
            "--schema", schema,
            "--instance", i.ToString(CultureInfo.InvariantCulture),
            "--seconds", seconds.ToString("R", CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString("R", CultureInfo.InvariantCulture),
            "--submitters", submitters.ToString(CultureInfo.InvariantCulture),
        ];
        var workers = new List<WorkerProcess>(instances);
        for (var i = 0; i < instances; i++)
        {
            workers.Add(children.Start(i, workerArguments(i), connection));
        }

        await WithinAsync(AllAsync(workers.Select(w => w.Ready)), ReadyTimeout, "did not report ready", workers, static w => w.Ready, cancellationToken).ConfigureAwait(false);

        // "go" to every worker at once: they warm up and measure the same window.
        foreach (var worker in workers)
        {
            worker.Send(Protocol.Go);
        }

        var go = Stopwatch.GetTimestamp();
        Log($"all {instances} ready; go: {warmup.ToString(CultureInfo.InvariantCulture)} s warm-up, then {seconds.ToString(CultureInfo.InvariantCulture)} s measured");
        await DelayUntilAsync(go, warmup, cancellationToken).ConfigureAwait(false);
        var headAtStart = await HeadAsync(dataSource, schema, cancellationToken).ConfigureAwait(false);
        var windowStart = Stopwatch.GetTimestamp();
        await DelayUntilAsync(go, warmup + seconds, cancellationToken).ConfigureAwait(false);
        var headAtEnd = await HeadAsync(dataSource, schema, cancellationToken).ConfigureAwait(false);
        var trailSeconds = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;

        var results = await WithinAsync(Task.WhenAll(workers.Select(w => w.Result)), DrainTimeout, "did not report its result", workers, static w => w.Result, cancellationToken).ConfigureAwait(false);
        foreach (var worker in workers)
        {
            using var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            exit.CancelAfter(DrainTimeout);
            try
            {
                await worker.Process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HarnessException(worker.Describe("reported but did not exit"));
            }

            if (worker.Process.ExitCode != 0)
            {
                throw new HarnessException(worker.Describe("reported, then failed"));
            }
        }

        var (trailHead, trailRows, trailMax) = await TrailAsync(dataSource, schema, cancellationToken).ConfigureAwait(false);
        Log($"workers done; verifying the chain of {trailRows.ToString("N0", CultureInfo.InvariantCulture)} records");
        var verifyClock = Stopwatch.StartNew();
        var verification = await store.Audit.VerifyAsync(cancellationToken).ConfigureAwait(false);
        var verifyMs = verifyClock.Elapsed.TotalMilliseconds;

        var act = new LatencyHistogram();
        var submit = new LatencyHistogram();
        foreach (var result in results)
        {
            act.Add(LatencyHistogram.FromBuckets(result.ActBuckets, (long)(result.Act.MaxMs * 1000)));
            submit.Add(LatencyHistogram.FromBuckets(result.SubmitBuckets, (long)(result.Submit.MaxMs * 1000)));
        }

        var decisions = results.Sum(r => r.Decisions);
        var acts = results.Sum(r => r.Acts);
        var written = results.Sum(r => r.RecordsWritten);
        var errors = results.Sum(r => r.Errors);
        var matches = trailHead == written && trailRows == written && trailMax == written;
        foreach (var result in results.Where(r => r.Errors > 0))
        {
            Log($"worker {result.Instance}: {result.Errors} error(s), the first: {string.Join(" | ", result.FirstErrors)}");
        }

        if (!matches)
        {
            Log($"the trail does not hold what the workers wrote: head {trailHead}, rows {trailRows}, highest sequence {trailMax}, written {written}");
        }

        if (!verification.IsIntact)
        {
            Log($"the chain is broken at sequence {verification.FirstBrokenSequence}: {verification.Problem}");
        }

        return new RunResult
        {
            Instances = instances,
            SubmittersPerInstance = submitters,
            Schema = schema,
            WindowSeconds = seconds,
            Decisions = decisions,
            DecisionsPerSecond = decisions / seconds,
            AutoExecuted = results.Sum(r => r.AutoExecuted),
            ReviewsOpened = results.Sum(r => r.ReviewsOpened),
            Acts = acts,
            ActsPerSecond = acts / seconds,
            TrailWindowRecords = headAtEnd - headAtStart,
            TrailWindowSeconds = trailSeconds,
            TrailDecisionsPerSecond = (headAtEnd - headAtStart) / trailSeconds,
            Act = act.Summary(),
            Submit = submit.Summary(),
            Errors = errors,
            RecordsWritten = written,
            TrailHead = trailHead,
            TrailRows = trailRows,
            TrailMaxSequence = trailMax,
            TrailMatches = matches,
            ChainIntact = verification.IsIntact,
            VerifiedRecords = verification.RecordCount,
            VerifyMs = verifyMs,
            VerifyProblem = verification.Problem,
            Passed = errors == 0 && matches && verification.IsIntact && verification.RecordCount == written,
            Workers = [.. results.OrderBy(r => r.Instance).Select(r => r with { SubmitBuckets = null, ActBuckets = null })],
        };
    }

    private static async Task<T> WithinAsync<T>(Task<T> task, TimeSpan timeout, string what, List<WorkerProcess> workers, Func<WorkerProcess, Task> waitedFor, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var late = workers.FirstOrDefault(w => !waitedFor(w).IsCompleted) ?? workers[0];
            throw new HarnessException(late.Describe(what + " within " + timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"));
        }
        catch (InvalidOperationException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HarnessException(ex.Message, ex);
        }
    }

    private static async Task<bool> AllAsync(IEnumerable<Task> tasks)
    {
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return true;
    }

    private static async Task DelayUntilAsync(long from, double seconds, CancellationToken cancellationToken)
    {
        var remaining = TimeSpan.FromSeconds(seconds) - Stopwatch.GetElapsedTime(from);
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task<long> HeadAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken) =>
        ScalarAsync<long>(dataSource, $"SELECT sequence FROM \"{schema}\".audit_head WHERE id = 1", cancellationToken);

    private static async Task<(long Head, long Rows, long Max)> TrailAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT (SELECT sequence FROM \"{schema}\".audit_head WHERE id = 1), count(*), coalesce(max(sequence), 0) FROM \"{schema}\".audit");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is T typed ? typed : throw new HarnessException($"'{sql}' returned {value ?? "null"}, not a {typeof(T).Name}.");
    }

    /// <summary>Drops the run's schemas (names the harness made: load_, digits, hex); never throws.</summary>
    private static async Task DropAsync(NpgsqlDataSource dataSource, List<string> schemas)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var schema in schemas)
        {
            try
            {
                await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await command.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException)
            {
                Log($"could not drop the schema {schema} ({ex.Message}); drop it by hand");
            }
        }
    }

    private static string Markdown(List<RunResult> runs, double seconds, double warmup, int submitters)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        if (runs.Count == 0)
        {
            return "No run completed.\n";
        }

        text.Append(c, $"Window {seconds} s after a {warmup} s warm-up; {submitters} submitter loops per instance; every 10th iteration a review case and its approval (the act).").Append('\n').Append('\n');
        text.Append("| Instances | Audited decisions/s | (trail head) | Acts/s | Act p50 ms | Act p99 ms | Submit p50 ms | Submit p99 ms | Errors | Trail = written | Chain | Verify |\n");
        text.Append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
        foreach (var r in runs)
        {
            text.Append(c, $"| {r.Instances} | {r.DecisionsPerSecond:N0} | {r.TrailDecisionsPerSecond:N0} | {r.ActsPerSecond:N0} | {r.Act.P50Ms:0.0} | {r.Act.P99Ms:0.0} | {r.Submit.P50Ms:0.0} | {r.Submit.P99Ms:0.0} | {r.Errors} | ")
                .Append(c, $"{(r.TrailMatches ? "yes" : "NO")} ({r.RecordsWritten:N0}) | {(r.ChainIntact ? "intact" : "BROKEN")} ({r.VerifiedRecords:N0}) | {r.VerifyMs:N0} ms |\n");
        }

        text.Append('\n');
        text.Append("| Instances | Worker | Decisions | Auto-executed | Reviews | Acts | Errors | Submit p50/p90/p99 ms | Act p50/p90/p99 ms |\n");
        text.Append("|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        foreach (var r in runs)
        {
            foreach (var w in r.Workers)
            {
                text.Append(c, $"| {r.Instances} | {w.Instance} | {w.Decisions:N0} | {w.AutoExecuted:N0} | {w.ReviewsOpened:N0} | {w.Acts:N0} | {w.Errors} | ")
                    .Append(c, $"{w.Submit.P50Ms:0.0} / {w.Submit.P90Ms:0.0} / {w.Submit.P99Ms:0.0} | {w.Act.P50Ms:0.0} / {w.Act.P90Ms:0.0} / {w.Act.P99Ms:0.0} |\n");
            }
        }

        return text.ToString();
    }

    private static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTimeOffset.Now:HH:mm:ss}] {message}"));
}

/// <summary>A run that cannot go on (a worker that failed, did not answer, or left the trail unreadable).</summary>
internal sealed class HarnessException : Exception
{
    public HarnessException(string message)
        : base(message)
    {
    }

    public HarnessException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
