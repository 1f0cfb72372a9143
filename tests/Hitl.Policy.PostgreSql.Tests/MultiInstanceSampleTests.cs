using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Hitl.Policy.Samples.MultiInstance;
using Xunit.Abstractions;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>The multi-instance sample, run as its entry point runs it, against the fixture's database in a fresh schema.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiInstanceSampleTests(PostgresFixture db, ITestOutputHelper output)
{
    [Fact]
    public async Task The_sample_shows_a_decision_on_B_reaching_A_the_kill_switch_holding_A_and_an_intact_chain()
    {
        var schema = PostgresFixture.NewSchema();
        using var story = new StringWriter();
        var report = await MultiInstanceDemo.RunAsync(new DemoSettings { ConnectionString = db.Database, Schema = schema, Fresh = true }, story);
        var text = story.ToString();
        output.WriteLine(text);
        var lines = text.Split(Environment.NewLine);

        // The case decided on B is seen by A, which executes it.
        Assert.Contains(lines, l => l.StartsWith($"[B] rosa approved {report.ReviewCaseId}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"[A] outcome of {report.ReviewCaseId}: Approved by rosa", StringComparison.Ordinal));

        // While the switch is on, A's refund that would run alone waits for a review; after the release it runs once approved.
        Assert.True(report.HeldForReview);
        Assert.Contains(lines, l => l.StartsWith("[A] ", StringComparison.Ordinal) && l.Contains("held for review (route review by hitl:kill-switch)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[B] olga released the kill switch", StringComparison.Ordinal));

        // A followed B through the notifications, well inside the fallback poll of 5 s.
        Assert.InRange(report.ApprovalSeenMs, 0, 2500);
        Assert.InRange(report.KillSwitchSeenMs, 0, 2500);
        Assert.InRange(report.ReleaseSeenMs, 0, 2500);

        Assert.True(report.Intact);
        Assert.Equal($"Audit trail shared by A and B: {report.Records} records, intact", lines.Last(l => l.Length > 0));

        // Nothing is left open, and every case that ran reported its execution.
        await using var store = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        var cases = (await store.QueryAsync(new CaseQuery { Limit = 100 })).Cases;
        Assert.Equal(4, cases.Count);
        Assert.All(cases, c => Assert.False(c.IsOpen, c.Id));
        Assert.All(cases, c => Assert.NotNull(c.ExecutionReportedAt));
        output.WriteLine($"measured: approval seen on A after {report.ApprovalSeenMs:F0} ms, kill switch after {report.KillSwitchSeenMs:F0} ms, release after {report.ReleaseSeenMs:F0} ms; {report.Records} records.");
    }
}
