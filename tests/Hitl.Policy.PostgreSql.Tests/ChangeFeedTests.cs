using System.Collections.Concurrent;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The change feed: what one store commits, another store on the database hears of, case by case.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ChangeFeedTests(PostgresFixture db)
{
    [Fact]
    public async Task Every_case_a_large_group_commits_is_named_to_the_other_instances()
    {
        var schema = PostgresFixture.NewSchema();
        await using var writer = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        await using var listener = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema });
        var heard = new ConcurrentBag<StoreChange>();
        using var subscription = listener.Subscribe(heard.Add);
        await WaitUntilAsync(() => listener.ListenerConnects == 1);

        var ids = Enumerable.Range(0, 150).Select(i => $"feed-{i:D16}").ToList();   // 21 characters each: 150 fit one notification
        await Task.WhenAll(ids.Select(id => writer.CommitAsync(Create(Case(id))).AsTask()));
        await WaitUntilAsync(() => heard.Count(c => c.Kind == StoreChangeKind.Case) >= ids.Count);

        Assert.True(writer.LargestGroup > 50, $"the commits should have grouped; the largest group was {writer.LargestGroup}");
        Assert.Equal(ids.Order(StringComparer.Ordinal), heard.Where(c => c.Kind == StoreChangeKind.Case).Select(c => c.CaseId!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(heard, c => c.Kind == StoreChangeKind.Missed);
    }

    [Fact]
    public async Task A_case_id_that_cannot_be_named_in_a_notification_is_reported_as_missed_changes()
    {
        var schema = PostgresFixture.NewSchema();
        await using var writer = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        await using var listener = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema });
        var heard = new ConcurrentBag<StoreChange>();
        using var subscription = listener.Subscribe(heard.Add);
        await WaitUntilAsync(() => listener.ListenerConnects == 1);

        await writer.CommitAsync(Create(Case("two\nlines")));
        await WaitUntilAsync(() => !heard.IsEmpty);

        Assert.Equal([new StoreChange(StoreChangeKind.Missed, null)], heard);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
