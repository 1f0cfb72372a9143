using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>Groups on two instances that write the same cases never deadlock: they lose races (conflicts), never the transaction.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LockOrderTests(PostgresFixture db)
{
    [Fact]
    public async Task Two_instances_writing_the_same_cases_in_opposite_orders_only_ever_conflict()
    {
        var schema = PostgresFixture.NewSchema();
        await using var a = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        await using var b = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        var ids = Enumerable.Range(0, 64).Select(i => $"lock-{i}").ToArray();
        foreach (var id in ids)
        {
            await a.CommitAsync(Create(Case(id)));
        }

        var failures = new List<Exception>();
        var won = 0;
        for (var round = 0; round < 30; round++)
        {
            var current = new List<CaseRecord>();
            foreach (var id in ids)
            {
                current.Add((await a.GetAsync(id))!);
            }

            // A commits the cases in one order, B in the reverse: their groups take the rows in opposite orders.
            var commits = current.Select(c => a.CommitAsync(Update(c)).AsTask())
                .Concat(Enumerable.Reverse(current).Select(c => b.CommitAsync(Update(c)).AsTask()))
                .ToList();
            foreach (var commit in commits)
            {
                try
                {
                    await commit;
                    won++;
                }
                catch (CaseConflictException)
                {
                }
                catch (CaseStoreException ex)
                {
                    failures.Add(ex);
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal(30 * ids.Length, won);   // each case changed once per round, by one of the two
        Assert.True((await a.Audit.VerifyAsync()).IsIntact);
    }
}
