using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Quickstart.Tests;

public sealed class QuickstartTests(SharedRun shared) : IClassFixture<SharedRun>
{
    private static readonly string[] ActionTypes = ["agent.tool-call", "email.send", "loan.approve", "refund.issue"];
    private readonly QuickstartRun _run = shared.Run;

    [Fact]
    public void Run_completes_and_its_trail_verifies()
    {
        Assert.Equal(0, _run.ExitCode);
        var verification = JsonLinesAuditStore.VerifyFile(_run.TrailPath);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(File.ReadLines(_run.TrailPath).Count(), verification.RecordCount);
        Assert.Equal(verification.RecordCount, SummaryOutput.VerifiedRecords(_run.Output));
        Assert.Contains("Written to " + _run.TrailPath, _run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_has_every_section_and_no_problems()
    {
        foreach (var heading in new[] { "Routes by action type", "Reviews by tier and outcome", "Timeouts", "Kill switch and contest", "Explain trace of one escalated case", "Calibration", "Audit trail" })
        {
            Assert.NotEmpty(SummaryOutput.Section(_run.Output, heading));
        }

        Assert.DoesNotContain("Problems", _run.Output, StringComparison.Ordinal);
        var trace = SummaryOutput.Section(_run.Output, "Explain trace of one escalated case").Take(3).ToList();
        Assert.Contains(trace, l => l.Contains("Decision: escalate", StringComparison.Ordinal));
        var calibration = SummaryOutput.Section(_run.Output, "Calibration").Skip(1).Take(ActionTypes.Length).ToList();
        for (var i = 0; i < ActionTypes.Length; i++)
        {
            Assert.StartsWith("  " + ActionTypes[i] + " ", calibration[i], StringComparison.Ordinal);
            Assert.Contains(" -> ", calibration[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Approvals_given_under_the_kill_switch_are_held_in_the_trail_and_run_only_after_its_release()
    {
        var entries = _run.Entries().ToList();
        var engaged = entries.FindIndex(e => Act(e) == "kill-switch-engaged");
        var released = entries.FindIndex(e => Act(e) == "kill-switch-released");
        var held = entries.Select((e, i) => (e, i)).Where(t => Act(t.e) == "held").ToList();
        var ran = entries.Select((e, i) => (e, i)).Where(t => Act(t.e) == "hold-released").ToList();

        Assert.NotEmpty(held);
        Assert.All(held, t => Assert.InRange(t.i, engaged, released));
        Assert.All(ran, t => Assert.True(t.i > released));
        Assert.Equal(held.Select(t => t.e.GetProperty("caseId").GetString()).Order(), ran.Select(t => t.e.GetProperty("caseId").GetString()).Order());
        Assert.Contains(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  {held.Count:N0} approvals given while it was on were held, not run; {ran.Count:N0} of them ran after the release."),
            SummaryOutput.Section(_run.Output, "Kill switch and contest"));
    }

    [Fact]
    public void Routes_printed_agree_with_the_trail()
    {
        var decided = _run.Entries().Where(e => Act(e) == "decided").ToList();
        var table = SummaryOutput.RoutesTable(_run.Output);
        Assert.Equal([.. ActionTypes, "all"], table.Keys.Order(StringComparer.Ordinal).Where(k => k != "all").Append("all"));
        Assert.Equal(SharedRun.Count, decided.Count);
        Assert.Equal(decided.Count, table["all"].Decisions);
        foreach (var action in ActionTypes)
        {
            var mine = decided.Where(e => e.GetProperty("actionType").GetString() == action).ToList();
            var row = table[action];
            Assert.Equal(mine.Count, row.Decisions);
            for (var r = 0; r < SummaryOutput.Routes.Length; r++)
            {
                Assert.Equal(mine.Count(e => e.GetProperty("route").GetString() == SummaryOutput.Routes[r]), row.PerRoute[r]);
            }

            Assert.Equal(mine.Count(e => e.GetProperty("flags").GetString()!.Contains("sampled-for-audit", StringComparison.Ordinal)), row.Sampled);
        }

        for (var r = 0; r < SummaryOutput.Routes.Length; r++)
        {
            Assert.Equal(ActionTypes.Sum(a => table[a].PerRoute[r]), table["all"].PerRoute[r]);
        }

        var entries = _run.Entries();
        var reachedHigherTier = entries
            .Where(e => (Act(e) == "decided" && Text(e, "route") == "escalate") || Act(e) == "escalated" || (Act(e) == "timed-out" && Text(e, "route") == "escalate"))
            .Select(e => Text(e, "caseId"))
            .Distinct(StringComparer.Ordinal)
            .Count();
        Assert.True(reachedHigherTier > table["all"].PerRoute[3]);
        Assert.Equal(reachedHigherTier, SummaryOutput.ReachedHigherTier(_run.Output));
    }

    [Fact]
    public void Reviews_and_timeouts_printed_agree_with_the_trail()
    {
        var entries = _run.Entries();
        var reviews = SummaryOutput.ReviewsTable(_run.Output);
        Assert.Equal(["agent", "senior", "director"], reviews.Keys);
        foreach (var (tier, counts) in reviews)
        {
            for (var a = 0; a < SummaryOutput.ReviewActs.Length; a++)
            {
                var expected = entries.Count(e => Act(e) == SummaryOutput.ReviewActs[a] && Text(e, "actorTier") == tier);
                Assert.Equal(expected, counts[a]);
            }
        }

        var acts = entries.Where(e => SummaryOutput.ReviewActs.Contains(Act(e))).ToList();
        Assert.Equal(acts.Count, reviews.Values.Sum(c => c.Sum()));
        Assert.Contains(acts, e => Act(e) == "approved");
        Assert.Contains(acts, e => Act(e) == "rejected");
        Assert.Contains(acts, e => Act(e) == "edited");
        Assert.Contains(acts, e => Act(e) == "audit-passed");

        var timedOut = entries.Where(e => Act(e) == "timed-out").ToList();
        var (total, escalate, block) = SummaryOutput.Timeouts(_run.Output);
        Assert.NotEmpty(timedOut);
        Assert.Equal(timedOut.Count, total);
        Assert.Equal(timedOut.Count(e => Text(e, "route") == "escalate"), escalate);
        Assert.Equal(timedOut.Count(e => Text(e, "route") == "block"), block);
        Assert.Equal(total, escalate + block);
    }

    [Fact]
    public void Kill_switch_stops_automation_for_its_action_type_and_the_contest_reaches_fresh_eyes()
    {
        var entries = _run.Entries();
        var engaged = IndexOf(entries, "kill-switch-engaged");
        var released = IndexOf(entries, "kill-switch-released");
        Assert.True(engaged >= 0 && released > engaged);
        Assert.Equal("olga.ops", Text(entries[engaged], "actor"));
        var during = entries.Skip(engaged).Take(released - engaged)
            .Where(e => Act(e) == "decided" && Text(e, "actionType") == "agent.tool-call").ToList();
        Assert.NotEmpty(during);
        Assert.All(during, e => Assert.DoesNotContain(Text(e, "route"), new[] { "auto-execute", "auto-execute-with-notice" }));

        var contested = IndexOf(entries, "contested");
        Assert.Single(entries, e => Act(e) == "contested");
        var caseId = Text(entries[contested], "caseId");
        var before = entries.Take(contested).Where(e => Text(e, "caseId") == caseId).ToList();
        var after = entries.Skip(contested + 1).Where(e => Text(e, "caseId") == caseId).ToList();
        Assert.Contains(before, e => Act(e) == "rejected");
        var deciders = before.Where(IsDecision).Select(e => Text(e, "actor")).ToHashSet();
        Assert.Contains(after, IsDecision);
        Assert.All(after.Where(IsDecision), e => Assert.DoesNotContain(Text(e, "actor"), deciders));
    }

    [Theory]
    [InlineData("entry")]
    [InlineData("hash")]
    [InlineData("previousHash")]
    public void One_changed_byte_breaks_the_chain_at_that_record_and_line(string where)
    {
        var lines = File.ReadAllLines(_run.TrailPath);
        var target = (lines.Length * 2 / 3) + 1;
        var line = lines[target - 1];
        var at = where switch
        {
            "entry" => line.IndexOf("\"caseId\":\"", StringComparison.Ordinal) + "\"caseId\":\"".Length + 2,
            _ => line.IndexOf($"\"{where}\":\"", StringComparison.Ordinal) + where.Length + 4 + 10,
        };
        var bytes = File.ReadAllBytes(_run.TrailPath);
        var offset = lines.Take(target - 1).Sum(l => Encoding.UTF8.GetByteCount(l) + 1) + at;
        bytes[offset] = bytes[offset] == (byte)'a' ? (byte)'b' : (byte)'a';
        var tampered = Path.Combine(_run.Folder, $"tampered-{where}.jsonl");
        File.WriteAllBytes(tampered, bytes);

        var verification = JsonLinesAuditStore.VerifyFile(tampered);

        Assert.False(verification.IsIntact);
        Assert.Equal(target, verification.FirstBrokenSequence);
        Assert.Equal(target, verification.FirstBrokenLine);
        Assert.False(string.IsNullOrWhiteSpace(verification.Problem));
        Assert.True(JsonLinesAuditStore.VerifyFile(_run.TrailPath).IsIntact);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_trail_and_another_seed_does_not()
    {
        using var again = await QuickstartRun.StartAsync(SharedRun.Count, seed: 2026);
        using var other = await QuickstartRun.StartAsync(SharedRun.Count, seed: 7);

        Assert.Equal(Hashes(_run.TrailPath), Hashes(again.TrailPath));
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(_run.TrailPath)), SHA256.HashData(File.ReadAllBytes(again.TrailPath)));
        Assert.NotEqual(Hashes(_run.TrailPath)[^1], Hashes(other.TrailPath)[^1]);
        Assert.True(JsonLinesAuditStore.VerifyFile(other.TrailPath).IsIntact);
    }

    private static List<string> Hashes(string path) =>
        [.. File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("hash").GetString()!)];

    private static bool IsDecision(JsonElement entry) => Act(entry) is "approved" or "edited" or "rejected";

    private static string? Act(JsonElement entry) => Text(entry, "act");

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int IndexOf(IReadOnlyList<JsonElement> entries, string act)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            if (Act(entries[i]) == act)
            {
                return i;
            }
        }

        return -1;
    }
}
