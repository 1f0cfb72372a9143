using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.PostgreSql;
using Hitl.Policy.Review;
using Npgsql;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// <c>kill-switch</c>: how long after an operator engages the kill switch on one instance every other instance has
/// stopped auto-executing. Three instances (each its own store, connections, listener and gate) on a fresh schema; the
/// switch is engaged and released on instance 0 again and again, and the time from the engage returning to the moment
/// the last other instance's switch is on is measured, with notifications (LISTEN/NOTIFY) and with polling only.
/// </summary>
internal static class KillSwitchRun
{
    public const string Usage = """
        kill-switch --connection "<conn>" [--toggles 50] [--poll-ms 1000]
          measures the time until every instance stops auto-executing, with notifications and with polling only
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new Arguments(args, new HashSet<string>(StringComparer.Ordinal));
        var connection = arguments.Text("connection") ?? Environment.GetEnvironmentVariable(Protocol.ConnectionVariable);
        var toggles = arguments.Integer("toggles", 50, 1, 10_000);
        var pollMs = arguments.Integer("poll-ms", 1000, 10, 60_000);
        arguments.RejectUnknown();
        if (string.IsNullOrWhiteSpace(connection))
        {
            await Console.Error.WriteLineAsync($"No database to run on: give --connection or set {Protocol.ConnectionVariable}.").ConfigureAwait(false);
            return 2;
        }

        await Console.Out.WriteLineAsync("| followed by | toggles | p50 ms | p99 ms | max ms | auto-executed while on |").ConfigureAwait(false);
        await Console.Out.WriteLineAsync("|---|---:|---:|---:|---:|---:|").ConfigureAwait(false);
        foreach (var listen in new[] { true, false })
        {
            var schema = "ks_" + Guid.NewGuid().ToString("N")[..8];
            var stores = new List<PostgreSqlCaseStore>();
            var gates = new List<ReviewGate<Refund>>();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    var store = PostgreSqlCaseStore.Open(connection, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = listen });
                    stores.Add(store);
                    gates.Add(new ReviewGateBuilder<Refund>(PolicyCompiler.Compile(Hitl.Policy.PolicyJson.Parse(LoadPolicy.PolicyJson), LoadPolicy.Schema, new KillSwitch()))
                        .UseCaseStore(store)
                        .AddReviewSink(new CountingReviewSink())
                        .AddReviewerDirectory(LoadPolicy.Reviewers())
                        .Configure(o => o.StorePollInterval = TimeSpan.FromMilliseconds(pollMs))
                        .Build());
                }

                foreach (var gate in gates)
                {
                    await gate.SubmitAsync(LoadPolicy.Request(10)).ConfigureAwait(false);   // every gate knows the switch
                }

                await Task.Delay(500).ConfigureAwait(false);                               // listeners connected
                var operatorSwitch = new AuditedKillSwitch(gates[0].KillSwitch, stores[0].Audit, LoadPolicy.Reviewers());
                var times = new List<double>(toggles);
                var leaked = 0;
                for (var t = 0; t < toggles; t++)
                {
                    await operatorSwitch.EngageAsync(null, "otto", "measured engage").ConfigureAwait(false);
                    var clock = Stopwatch.StartNew();
                    while (!gates.All(g => g.KillSwitch.IsGlobalEngaged))
                    {
                        await Task.Yield();
                    }

                    times.Add(clock.Elapsed.TotalMilliseconds);

                    // Once every switch is on, nothing auto-executes anywhere.
                    foreach (var gate in gates)
                    {
                        if ((await gate.SubmitAsync(LoadPolicy.Request(10)).ConfigureAwait(false)).Disposition == GateDisposition.Execute)
                        {
                            leaked++;
                        }
                    }

                    await operatorSwitch.ReleaseAsync(null, "otto", "measured release").ConfigureAwait(false);
                    while (gates.Any(g => g.KillSwitch.IsGlobalEngaged))
                    {
                        await Task.Yield();
                    }
                }

                times.Sort();
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"| {(listen ? "notification" : $"poll only ({pollMs} ms)")} | {toggles} | {At(times, 0.50):0.0} | {At(times, 0.99):0.0} | {times[^1]:0.0} | {leaked} |")).ConfigureAwait(false);
            }
            finally
            {
                foreach (var gate in gates)
                {
                    gate.Dispose();
                }

                foreach (var store in stores)
                {
                    await store.DisposeAsync().ConfigureAwait(false);
                }

                await using var drop = new NpgsqlConnection(connection);
                await drop.OpenAsync().ConfigureAwait(false);
                await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", drop);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        return 0;
    }

    private static double At(List<double> sorted, double quantile) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];
}
