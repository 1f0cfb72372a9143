using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

namespace Hitl.Policy.Quickstart.Tests;

/// <summary>The main job restarts its gate in the middle of the stream: every waiting case is carried over and decided.</summary>
public sealed class RestartTests(SharedRun shared) : IClassFixture<SharedRun>
{
    private readonly QuickstartRun _run = shared.Run;

    [Fact]
    public void Every_case_waiting_at_the_restart_is_carried_over_and_none_is_lost()
    {
        var lines = SummaryOutput.Section(_run.Output, "Restart").TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(2, lines.Count);
        var before = SummaryOutput.Number(Between(lines[0], "disposed with ", " cases"));
        var found = SummaryOutput.Number(Between(lines[0], "found ", " of them"));
        Assert.True(before > 0, lines[0]);
        Assert.Equal(before, found);
        Assert.Contains($"Carried over: {before:N0}; ", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("lost: 0.", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_database_holds_the_trail_the_summary_verified_and_no_case_is_left_waiting()
    {
        await using var store = SqliteCaseStore.OpenReadOnly(_run.DatabasePath);
        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        var exported = File.ReadAllLines(_run.TrailPath);
        Assert.Equal(exported.Length, check.RecordCount);
        using var lines = new StringWriter();
        await store.ExportAuditLinesAsync(lines);
        Assert.Equal(string.Join('\n', exported) + "\n", lines.ToString());

        var open = await store.QueryAsync(new CaseQuery { States = [CaseState.Pending, CaseState.Held] });
        Assert.Empty(open.Cases);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[from..text.IndexOf(end, from, StringComparison.Ordinal)];
    }
}
