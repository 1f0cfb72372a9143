using System.Globalization;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>
/// A writer killed with SIGKILL at varying moments: after each kill the file holds every commit the writer reported,
/// each with its audit records, no case version without its records, and a chain that verifies and goes on.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Kills = 50;
    private const int Writers = 3;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Every_reported_commit_survives_a_kill_with_its_records()
    {
        var db = _directory.File("crash.db");
        var random = new Random(20261123);
        long totalReported = 0;
        for (var run = 0; run < Kills; run++)
        {
            // Kill after a varying number of reported commits (sometimes before any), so the kill lands at varying points.
            var killAfter = random.Next(0, 12);
            var prefix = "r" + run.ToString(CultureInfo.InvariantCulture);
            var reported = new Dictionary<string, long>(StringComparer.Ordinal);
            using (var probe = Probe.Start("crash", db, prefix, Writers.ToString(CultureInfo.InvariantCulture)))
            {
                var lines = 0;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                while (lines < killAfter)
                {
                    var line = await probe.StandardOutput.ReadLineAsync(timeout.Token);
                    if (line is null)
                    {
                        Assert.Fail("The probe ended before it was killed: " + await probe.StandardError.ReadToEndAsync());
                    }

                    var parts = line.Split(' ');
                    reported[parts[0]] = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    lines++;
                }

                // Half the runs wait a little more, so that the kill also lands inside a transaction rather than just after a report.
                if (random.Next(2) == 0)
                {
                    await Task.Delay(random.Next(1, 15), timeout.Token);
                }

                probe.Kill(entireProcessTree: true);
                await probe.WaitForExitAsync(timeout.Token);

                // Lines written before the kill but not yet read are reports too.
                while (await probe.StandardOutput.ReadLineAsync(timeout.Token) is { } rest)
                {
                    var parts = rest.Split(' ');
                    if (parts.Length == 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var version))
                    {
                        reported[parts[0]] = Math.Max(version, reported.GetValueOrDefault(parts[0]));
                    }
                }
            }

            totalReported += reported.Count;
            await using var store = SqliteCaseStore.Open("Data Source=" + db);
            var perCase = new Dictionary<string, long>(StringComparer.Ordinal);
            long sequence = 0;
            await foreach (var record in store.Audit.ReadAsync())
            {
                Assert.Equal(++sequence, record.Sequence);
                perCase[record.Entry.CaseId] = perCase.GetValueOrDefault(record.Entry.CaseId) + 1;
            }

            foreach (var (id, version) in reported)
            {
                var stored = await store.GetAsync(id);
                Assert.True(stored is not null, $"run {run}: the reported case {id} v{version} is not in the file");
                Assert.True(stored.Version >= version, $"run {run}: {id} is at v{stored.Version}, but v{version} was reported");
            }

            // Every case of this run, reported or not: version v has exactly its 2v records.
            for (var w = 0; w < Writers; w++)
            {
                var id = prefix + "-" + w.ToString(CultureInfo.InvariantCulture);
                var stored = await store.GetAsync(id);
                Assert.Equal(2 * (stored?.Version ?? 0), perCase.GetValueOrDefault(id));
            }

            var check = await store.Audit.VerifyAsync();
            Assert.True(check.IsIntact, $"run {run}: {check.Problem}");
        }

        Assert.True(totalReported > 0);
    }
}
