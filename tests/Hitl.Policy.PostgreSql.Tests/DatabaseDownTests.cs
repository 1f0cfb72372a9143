using Hitl.Policy.Audit;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Xunit.Abstractions;
using static Hitl.Policy.PostgreSql.Tests.Support.Instances;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The server stopped mid-run (a cluster of the test's own): nothing runs that should not, the gate says what failed, and work resumes.</summary>
public sealed class DatabaseDownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_the_server_down_nothing_executes_every_act_says_what_failed_and_work_resumes_after_the_restart()
    {
        await using var server = await PostgresServer.StartOwnAsync();
        var database = await server.CreateDatabaseAsync();
        await using var instances = new Instances();
        var gate = instances.Start(database, "hitl", new ReviewGateOptions { StorePollInterval = TimeSpan.FromMilliseconds(200) });
        var pending = (await gate.Gate.SubmitAsync(Request(2000))).CaseId;
        var wait = gate.Gate.WaitForOutcomeAsync(pending).AsTask();
        await WaitUntilAsync(() => gate.Store.ListenerConnects == 1);
        // A wait outlives an outage once it has read the case; its first read is one query, long done after this.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(wait.IsCompleted);

        await server.StopAsync();

        var submit = await Assert.ThrowsAsync<ReviewException>(async () => await gate.Gate.SubmitAsync(Request(10)));
        var approve = await Assert.ThrowsAsync<ReviewException>(async () => await gate.Gate.ApproveAsync(new HumanAct(pending, "ann", "ok")));
        var read = await Assert.ThrowsAsync<ReviewException>(async () => await gate.Gate.GetCaseAsync(pending));
        output.WriteLine("submit: " + submit.Message);
        output.WriteLine("approve: " + approve.Message);
        Assert.Equal(ReviewErrorCode.AuditAppendFailed, submit.Code);       // an auto-execute that cannot be recorded does not execute
        Assert.Equal(ReviewErrorCode.StoreUnavailable, approve.Code);
        Assert.Equal(ReviewErrorCode.StoreUnavailable, read.Code);
        Assert.Contains("PostgreSQL 127.0.0.1", submit.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", submit.Message, StringComparison.Ordinal);
        Assert.False(wait.IsCompleted);                                       // the wait keeps waiting; it does not fail or approve

        await server.StartAgainAsync();

        await gate.Gate.ApproveAsync(new HumanAct(pending, "ann", "ok"));
        Assert.True((await Within(wait, 30)).Execute);
        Assert.Equal(GateDisposition.Execute, (await gate.Gate.SubmitAsync(Request(10))).Disposition);
        await WaitUntilAsync(() => gate.Store.ListenerConnects >= 2);       // the listener came back by itself

        var trail = new List<AuditRecord>();
        await foreach (var record in gate.Store.Audit.ReadAsync())
        {
            trail.Add(record);
        }

        Assert.Equal([ActKind.Decided, ActKind.Approved, ActKind.Decided], trail.Select(r => r.Entry.Act));  // nothing from the outage
        Assert.True((await gate.Store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_store_opened_while_the_server_is_down_fails_with_a_message_naming_the_server()
    {
        await using var server = await PostgresServer.StartOwnAsync();
        var database = await server.CreateDatabaseAsync();
        await server.StopAsync();

        var refused = Assert.Throws<CaseStoreException>(() => PostgreSqlCaseStore.Open(database));

        Assert.Contains($"PostgreSQL 127.0.0.1:{server.Port}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", refused.Message, StringComparison.Ordinal);
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
