using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>Several stores, in this process and in others, on one file: one linear chain, and no lost update.</summary>
public sealed class MultiStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string Db => _directory.File("hitl.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Two_stores_on_one_file_lose_no_update_and_keep_one_chain()
    {
        await using var first = SqliteCaseStore.Open("Data Source=" + Db);
        await using var second = SqliteCaseStore.Open("Data Source=" + Db);
        await first.CommitAsync(Create(Case("counter")));
        const int Workers = 200;
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? first : second;
            while (true)
            {
                var current = (await store.GetAsync("counter"))!;
                try
                {
                    await store.CommitAsync(Update(current, c => c with { Round = c.Round + 1 }, Entry("counter", index: w)));
                    return;
                }
                catch (CaseConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var counter = (await first.GetAsync("counter"))!;
        Assert.Equal(Workers + 1, counter.Version);
        Assert.Equal(Workers + 1, counter.Round);
        Assert.Equal(JsonOf(counter), JsonOf(await second.GetAsync("counter")));
        var trail = await TrailAsync(second.Audit);
        Assert.Equal(Workers + 1, trail.Count);
        Assert.Equal(Enumerable.Range(1, Workers + 1).Select(i => (long)i), trail.Select(r => r.Sequence));
        var check = await first.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
    }

    [Fact]
    public async Task Stores_in_three_processes_interleave_into_one_chain()
    {
        await using var local = SqliteCaseStore.Open("Data Source=" + Db);
        await local.CommitAsync(Create(Case("counter")));
        const int PerProbe = 60;
        using var a = Probe.Start("count", Db, "counter", PerProbe.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var b = Probe.Start("count", Db, "counter", PerProbe.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var mine = 0;
        for (var i = 0; i < PerProbe; i++)
        {
            while (true)
            {
                var current = (await local.GetAsync("counter"))!;
                try
                {
                    await local.CommitAsync(Update(current, entries: Entry("counter", index: i)));
                    mine++;
                    break;
                }
                catch (CaseConflictException)
                {
                }
            }

            // Loose records too, which need no version: they must still fall in line.
            await local.Audit.AppendAsync(Entry("loose", ActKind.PolicyActivated, i));
        }

        foreach (var probe in new[] { a, b })
        {
            var output = await probe.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(120));
            var error = await probe.StandardError.ReadToEndAsync();
            await probe.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(probe.ExitCode == 0, output + error);
            Assert.StartsWith("done", output, StringComparison.Ordinal);
        }

        var counter = (await local.GetAsync("counter"))!;
        Assert.Equal(1 + PerProbe + 2 * PerProbe, counter.Version);
        var trail = await TrailAsync(local.Audit);
        Assert.Equal(counter.Version, trail.Count(r => r.Entry.CaseId == "counter"));
        Assert.Equal(PerProbe, trail.Count(r => r.Entry.CaseId == "loose"));
        Assert.Equal(Enumerable.Range(1, trail.Count).Select(i => (long)i), trail.Select(r => r.Sequence));
        var check = await local.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(PerProbe, mine);
    }
}
