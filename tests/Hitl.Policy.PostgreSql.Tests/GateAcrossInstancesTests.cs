using System.Diagnostics;
using Hitl.Policy.Audit;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Xunit.Abstractions;
using static Hitl.Policy.PostgreSql.Tests.Support.Instances;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>Gates on several stores over one database, as instances of a service: one queue, one record, one kill switch.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GateAcrossInstancesTests(PostgresFixture db, ITestOutputHelper output)
{
    /// <summary>Longer than any test waits: only a notification can wake a wait in time.</summary>
    private static readonly ReviewGateOptions NoPolling = new() { StorePollInterval = TimeSpan.FromMinutes(10) };

    [Fact]
    public async Task A_wait_on_one_instance_returns_as_soon_as_a_reviewer_decides_on_another()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var a = instances.Start(db.Database, schema, NoPolling);
        var b = instances.Start(db.Database, schema, NoPolling);
        var opened = await a.Gate.SubmitAsync(Request(2000));
        await WaitUntilAsync(() => a.Store.ListenerConnects > 0);
        var wait = a.Gate.WaitForOutcomeAsync(opened.CaseId).AsTask();

        var next = await b.Gate.ClaimNextAsync("ann");
        var clock = Stopwatch.StartNew();
        await b.Gate.ApproveAsync(new HumanAct(next!.CaseId, "ann", "checked the order"));
        var outcome = await Within(wait, 10);
        output.WriteLine($"decided on B, A's wait returned {clock.Elapsed.TotalMilliseconds:0.0} ms after the approval returned");

        Assert.Equal(opened.CaseId, next.CaseId);
        Assert.True(outcome.Execute);
        Assert.Equal("ann", outcome.DecidedBy);
    }

    [Fact]
    public async Task Without_notifications_a_wait_still_sees_the_decision_at_its_poll()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var a = instances.Start(db.Database, schema, new ReviewGateOptions { StorePollInterval = TimeSpan.FromMilliseconds(200) }, listen: false);
        var b = instances.Start(db.Database, schema, NoPolling, listen: false);
        var opened = await a.Gate.SubmitAsync(Request(2000));
        var wait = a.Gate.WaitForOutcomeAsync(opened.CaseId).AsTask();

        await b.Gate.RejectAsync(new HumanAct(opened.CaseId, "ann", "wrong-amount", "the order was 200, not 2000"));

        Assert.False((await Within(wait, 10)).Execute);
    }

    [Fact]
    public async Task Reviewers_on_different_instances_never_decide_a_case_twice()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var a = instances.Start(db.Database, schema);
        var b = instances.Start(db.Database, schema);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await a.Gate.SubmitAsync(Request(1500 + i))).CaseId);
        }

        // Both instances approve every case at once, as two reviewers clicking the same cases would.
        var acts = ids.SelectMany(id => new[] { (a, "ann", id), (b, "aaron", id) })
            .Select(x => Task.Run(async () =>
            {
                try
                {
                    await x.Item1.Gate.ApproveAsync(new HumanAct(x.Item3, x.Item2, "ok"));
                    return true;
                }
                catch (ReviewException)
                {
                    return false;
                }
            }));
        var won = (await Task.WhenAll(acts)).Count(x => x);

        var trail = await ReadAllAsync(a.Store.Audit);
        Assert.Equal(ids.Count, won);
        Assert.All(ids, id => Assert.Single(trail, r => r.Entry.CaseId == id && r.Entry.Act == ActKind.Approved));
        Assert.True((await a.Store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task The_kill_switch_engaged_on_one_instance_stops_auto_execution_on_every_instance_and_is_recorded_once()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var a = instances.Start(db.Database, schema, NoPolling);
        var b = instances.Start(db.Database, schema, NoPolling);
        var c = instances.Start(db.Database, schema, NoPolling);
        Assert.Equal(GateDisposition.Execute, (await c.Gate.SubmitAsync(Request(10))).Disposition);
        await WaitUntilAsync(() => instances.All.All(i => i.Store.ListenerConnects > 0));

        var clock = Stopwatch.StartNew();
        await a.Switch.EngageAsync(null, "otto", "incident 42: refunds to the wrong accounts");
        var recorded = clock.Elapsed;
        await WaitUntilAsync(() => b.Gate.KillSwitch.IsGlobalEngaged && c.Gate.KillSwitch.IsGlobalEngaged);
        var everywhere = clock.Elapsed;
        output.WriteLine($"engaged on A: recorded in {recorded.TotalMilliseconds:0.0} ms; every instance stopped after {everywhere.TotalMilliseconds:0.0} ms");

        var held = await c.Gate.SubmitAsync(Request(10));
        Assert.Equal(GateDisposition.Pending, held.Disposition);

        await b.Switch.ReleaseAsync(null, "otto", "incident 42 closed");
        await WaitUntilAsync(() => !a.Gate.KillSwitch.IsGlobalEngaged && !c.Gate.KillSwitch.IsGlobalEngaged);
        Assert.Equal(GateDisposition.Execute, (await a.Gate.SubmitAsync(Request(10))).Disposition);

        var toggles = (await ReadAllAsync(a.Store.Audit)).Where(r => r.Entry.Act is ActKind.KillSwitchEngaged or ActKind.KillSwitchReleased).Select(r => r.Entry.Act);
        Assert.Equal([ActKind.KillSwitchEngaged, ActKind.KillSwitchReleased], toggles);
    }

    [Fact]
    public async Task Without_notifications_the_kill_switch_reaches_every_instance_within_the_poll()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var polling = new ReviewGateOptions { StorePollInterval = TimeSpan.FromMilliseconds(250) };
        var a = instances.Start(db.Database, schema, polling, listen: false);
        var b = instances.Start(db.Database, schema, polling, listen: false);
        await a.Gate.SubmitAsync(Request(10));
        await b.Gate.SubmitAsync(Request(10));

        var clock = Stopwatch.StartNew();
        await a.Switch.EngageAsync("refund.issue", "otto", "refunds paused");
        await WaitUntilAsync(() => b.Gate.KillSwitch.IsEngaged("refund.issue"));
        output.WriteLine($"with polling every 250 ms only, B stopped after {clock.Elapsed.TotalMilliseconds:0.0} ms");

        Assert.Equal(GateDisposition.Pending, (await b.Gate.SubmitAsync(Request(10))).Disposition);
    }

    [Fact]
    public async Task Each_passed_deadline_is_applied_exactly_once_when_many_instances_sweep_at_once()
    {
        await using var instances = new Instances();
        var schema = PostgresFixture.NewSchema();
        var opener = instances.Start(db.Database, schema);
        var ids = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            ids.Add((await opener.Gate.SubmitAsync(Request(1000 + i))).CaseId);
        }

        // Four instances start (nothing is due yet), then their clocks pass the hour's deadline and they sweep at once.
        var clock = new ShiftedTime();
        var sweepers = Enumerable.Range(0, 4).Select(_ => instances.Start(db.Database, schema, time: clock)).ToList();
        await Task.WhenAll(sweepers.Select(s => s.Gate.Recovery));
        clock.Offset = TimeSpan.FromMinutes(61);
        var swept = await Task.WhenAll(sweepers.Select(s => Task.Run(async () => await s.Gate.SweepAsync())));
        output.WriteLine($"fallbacks applied by each of the four sweepers: {string.Join(", ", swept)}");

        Assert.Equal(ids.Count, swept.Sum());

        var trail = await ReadAllAsync(opener.Store.Audit);
        Assert.All(ids, id => Assert.Single(trail, r => r.Entry.CaseId == id && r.Entry.Act == ActKind.TimedOut));
        foreach (var id in ids)
        {
            Assert.Equal("senior", (await opener.Store.GetAsync(id))!.RequiredTier);
        }

        Assert.True((await opener.Store.Audit.VerifyAsync()).IsIntact);
    }

    private static async Task<List<AuditRecord>> ReadAllAsync(IAuditStore audit)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in audit.ReadAsync())
        {
            records.Add(record);
        }

        return records;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}
