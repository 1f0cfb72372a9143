using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>Commits that share a transaction: each lands or fails on its own, unless the transaction itself fails.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string Db => _directory.File("hitl.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Many_parallel_commits_all_land_on_one_gapless_chain()
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + Db);
        const int Tasks = 16;
        const int PerTask = 125;
        var results = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<CaseCommitResult>();
            CaseRecord? current = null;
            for (var i = 0; i < PerTask; i++)
            {
                // Half the commits create cases, half update this task's own case.
                var result = i % 2 == 0
                    ? await store.CommitAsync(Create(Case($"t{t}-n{i}")))
                    : current is null
                        ? await store.CommitAsync(Create(Case($"t{t}-own")))
                        : await store.CommitAsync(Update(current));
                if (i % 2 == 1)
                {
                    current = result.Case;
                }

                mine.Add(result);
            }

            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(Tasks * PerTask, all.Count);
        var sequences = all.SelectMany(r => r.Records).Select(r => r.Sequence).Order().ToList();
        Assert.Equal(Enumerable.Range(1, Tasks * PerTask).Select(i => (long)i), sequences);
        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(Tasks * PerTask, check.RecordCount);
        for (var t = 0; t < Tasks; t++)
        {
            Assert.Equal(PerTask / 2, (await store.GetAsync($"t{t}-own"))!.Version);
        }

        Assert.True(store.LargestGroup > 1, "parallel commits were never grouped");
    }

    [Fact]
    public async Task In_a_group_a_conflicting_or_invalid_commit_fails_alone()
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + Db);
        var existing = (await store.CommitAsync(Create(Case("exists")))).Case;
        var (_, pending) = await WhileLockedAsync(store, () =>
        [
            store.CommitAsync(Create(Case("g-1"))).AsTask(),
            store.CommitAsync(Create(Case("exists"))).AsTask(),
            store.CommitAsync(Create(Case("g-2"))).AsTask(),
            store.CommitAsync(Update(existing)).AsTask(),
            store.CommitAsync(Update(existing)).AsTask(),
            store.CommitAsync(Create(Case("g-bad"), Entry("g-bad") with { At = default })).AsTask(),
            store.CommitAsync(Create(Case("g-3"))).AsTask(),
        ]);
        // The invalid entry is refused on the caller's thread, before it is queued; the other six form one group.
        Assert.True(store.LargestGroup >= pending.Length - 1, $"the commits were not one group (largest {store.LargestGroup})");

        var g1 = await (Task<CaseCommitResult>)pending[0];
        await Assert.ThrowsAsync<CaseConflictException>(() => pending[1]);
        var g2 = await (Task<CaseCommitResult>)pending[2];
        var updated = await (Task<CaseCommitResult>)pending[3];
        var stale = await Assert.ThrowsAsync<CaseConflictException>(() => pending[4]);
        Assert.Equal(2, stale.ActualVersion);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pending[5]);
        var g3 = await (Task<CaseCommitResult>)pending[6];

        // The rolled-back commits left no hole: the survivors' records follow one another.
        Assert.Equal([3, 4, 5, 6], new[] { g1, g2, updated, g3 }.Select(r => r.Records.Single().Sequence));
        Assert.Null(await store.GetAsync("g-bad"));
        Assert.Equal(2, (await store.GetAsync("exists"))!.Version);
        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(6, check.RecordCount);
    }

    [Fact]
    public async Task When_the_transaction_cannot_commit_no_commit_of_the_group_is_written()
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + Db);
        await store.CommitAsync(Create(Case("before")));

        // A deferred foreign key is checked at COMMIT only: the case 'poison' makes the whole transaction fail there.
        RawSqlite.Execute(Db, """
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER poison AFTER INSERT ON cases WHEN NEW.id = 'poison' BEGIN INSERT INTO child VALUES (42); END;
            """);

        var (first, pending) = await WhileLockedAsync(store, () =>
        [
            store.CommitAsync(Create(Case("a"))).AsTask(),
            store.CommitAsync(Create(Case("poison"))).AsTask(),
            store.CommitAsync(Create(Case("before"))).AsTask(),
            store.Audit.AppendAsync(Entry("loose")).AsTask(),
        ]);
        foreach (var task in pending.Take(3))
        {
            var ex = await Assert.ThrowsAsync<CaseStoreException>(() => task);
            Assert.Contains(Db, ex.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<AuditStoreException>(() => pending[3]);
        Assert.Null(await store.GetAsync("a"));
        Assert.Null(await store.GetAsync("poison"));
        Assert.Equal(["before", first.Case.Id], (await TrailAsync(store.Audit)).Select(r => r.Entry.CaseId));

        // The next transaction reads the head again: no gap, no fork.
        var after = await store.CommitAsync(Create(Case("after")));
        Assert.Equal(3, after.Records.Single().Sequence);
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Without_group_commit_every_commit_is_its_own_transaction()
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + Db, new SqliteCaseStoreOptions { GroupCommit = false });
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.CommitAsync(Create(Case("c" + i))).AsTask()));
        Assert.Equal(1, store.LargestGroup);
        Assert.Equal(40, (await store.Audit.VerifyAsync()).RecordCount);
    }

    [Fact]
    public async Task A_commit_cancelled_before_the_writer_takes_it_is_never_written()
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + Db);
        using var cancel = new CancellationTokenSource();
        var (first, pending) = await WhileLockedAsync(store, () =>
        {
            var task = store.CommitAsync(Create(Case("cancelled")), cancel.Token).AsTask();
            cancel.Cancel();
            return [task];
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending[0]);
        Assert.Null(await store.GetAsync("cancelled"));
        Assert.Equal([first.Case.Id], (await TrailAsync(store.Audit)).Select(r => r.Entry.CaseId));
    }

    /// <summary>
    /// Holds the file's write lock on another connection while the writer is busy with a first commit, queues the
    /// commits <paramref name="queue"/> makes (so that they wait together and form one group), then lets go.
    /// </summary>
    private async Task<(CaseCommitResult First, Task[] Pending)> WhileLockedAsync(SqliteCaseStore store, Func<Task[]> queue)
    {
        Task<CaseCommitResult> first;
        Task[] pending;
        using (var holder = RawSqlite.Connect(Db))
        {
            RawSqlite.Execute(holder, "BEGIN IMMEDIATE");
            var groups = store.GroupsStarted;
            first = store.CommitAsync(Create(Case("first-" + Guid.NewGuid().ToString("N")))).AsTask();
            await store.WaitForGroupAsync(groups);
            pending = queue();
            RawSqlite.Execute(holder, "COMMIT");
        }

        var result = await first;
        await Task.WhenAll(pending.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return (result, pending);
    }
}
