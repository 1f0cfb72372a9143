using System.Text.Json;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static Hitl.Policy.Tests.Feedback.Live.LiveShadowFixture;

namespace Hitl.Policy.Tests.Feedback.Live;

/// <summary>
/// The sampled differences leave the live path on the flush timer: appended to the record file as JSON Lines, one object
/// per line; a full buffer drops and counts, never blocks; a failing write is logged and counted, never felt.
/// </summary>
public sealed class LiveShadowRecordTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-05-04T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private static List<JsonElement> Lines(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    [Fact]
    public void The_flush_timer_appends_the_records_to_the_file_and_dispose_flushes_the_rest()
    {
        var action = Action("file");
        using var folder = new ShadowFolder();
        var path = folder.File("shadow.jsonl");
        var time = new FakeTimeProvider(Start);
        var provider = Provider(action, time, o => (o.RecordPath, o.FlushInterval) = (path, TimeSpan.FromSeconds(2)));
        using var written = Collect(provider, HitlTelemetry.ShadowRecordsWritten);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        policy.Route(Case(action, Same, "f-same"));
        policy.Route(Case(action, Stricter, "f-1"));
        time.Advance(TimeSpan.FromMilliseconds(500));
        policy.Route(Case(action, Tier, "f-2"));
        policy.Route(Case(action, Looser, "f-3"));

        Assert.False(File.Exists(path));
        time.Advance(TimeSpan.FromMilliseconds(1500));

        var lines = Lines(path);
        Assert.Equal(3, lines.Count);
        Assert.Equal(3, shadow.RecordsWritten);
        Assert.Equal(3, Of(written, action).Sum(m => m.Value));
        var first = lines[0];
        Assert.Equal(Start, first.GetProperty("at").GetDateTimeOffset());
        Assert.Equal("shadow-active@1", first.GetProperty("activePolicy").GetString());
        Assert.Equal("shadow-candidate@2", first.GetProperty("candidatePolicy").GetString());
        Assert.Equal(action, first.GetProperty("actionType").GetString());
        Assert.Equal("f-1", first.GetProperty("requestId").GetString());
        Assert.Equal("candidate-stricter", first.GetProperty("kind").GetString());
        Assert.Equal("auto-execute", first.GetProperty("activeRoute").GetString());
        Assert.Equal("review", first.GetProperty("candidateRoute").GetString());
        Assert.False(first.TryGetProperty("activeTier", out _));
        Assert.Equal("agent", first.GetProperty("candidateTier").GetString());
        Assert.Equal("hitl:default-route", first.GetProperty("activeDecidedBy").GetString());
        Assert.Equal("c.mid", first.GetProperty("candidateDecidedBy").GetString());
        Assert.Equal(Start.AddMilliseconds(500), lines[1].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(("tier", "agent", "senior", "a.big", "c.mid"), (lines[1].GetProperty("kind").GetString(), lines[1].GetProperty("activeTier").GetString(),
            lines[1].GetProperty("candidateTier").GetString(), lines[1].GetProperty("activeDecidedBy").GetString(), lines[1].GetProperty("candidateDecidedBy").GetString()));
        Assert.Equal(("candidate-looser", "escalate", "review"), (lines[2].GetProperty("kind").GetString(), lines[2].GetProperty("activeRoute").GetString(), lines[2].GetProperty("candidateRoute").GetString()));

        policy.Route(Case(action, Stricter, "f-4"));
        provider.Dispose();

        lines = Lines(path);
        Assert.Equal(["f-1", "f-2", "f-3", "f-4"], lines.Select(l => l.GetProperty("requestId").GetString()));
        Assert.Equal(4, shadow.RecordsWritten);
    }

    [Fact]
    public void A_record_line_escapes_a_hostile_request_id_and_a_context_without_one_leaves_it_out()
    {
        var action = Action("hostile");
        using var folder = new ShadowFolder();
        var path = folder.File("shadow.jsonl");
        var time = new FakeTimeProvider(Start);
        using var provider = Provider(action, time, o => o.RecordPath = path);
        var policy = provider.GetRequiredService<IEscalationPolicy<Signals>>();

        policy.Route(Case(action, Stricter, "evil\n{\"kind\":\"tier\"}\u001b[31m\u202e"));
        policy.Route(Case(action, Stricter));
        time.Advance(TimeSpan.FromSeconds(1));

        var text = File.ReadAllText(path);
        Assert.Equal(2, text.Count(c => c == '\n'));
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u202e', text);
        var lines = Lines(path);
        Assert.Equal("evil\n{\"kind\":\"tier\"}\u001b[31m\u202e", lines[0].GetProperty("requestId").GetString());
        Assert.False(lines[1].TryGetProperty("requestId", out _));
    }

    [Fact]
    public void A_full_buffer_drops_and_counts_without_blocking_and_the_drop_is_logged_at_the_next_flush()
    {
        var action = Action("full");
        var logs = new FakeLogCollector();
        var time = new FakeTimeProvider(Start);
        using var provider = Provider(action, time, o => o.Capacity = 4, logs);
        using var dropped = Collect(provider, HitlTelemetry.ShadowRecordsDropped);
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();

        for (var i = 0; i < 10; i++)
        {
            shadow.Route(Case(action, Stricter, "d-" + i));
        }

        Assert.Equal(6, shadow.RecordsDropped);
        Assert.Equal(6, Of(dropped, action).Where(m => Tag(m, HitlTelemetry.ShadowDropReasonTag) == "buffer-full").Sum(m => m.Value));
        time.Advance(TimeSpan.FromSeconds(1));
        var logged = Assert.Single(logs.GetSnapshot(), l => l.Id.Id == 1062);
        Assert.Contains("6 sampled difference(s) dropped", logged.Message, StringComparison.Ordinal);

        // Flushed, the buffer takes records again; the snapshot keeps the four most recent and counts the rest.
        shadow.Route(Case(action, Stricter, "d-after"));
        var run = shadow.Snapshot();
        Assert.Equal(["d-1", "d-2", "d-3", "d-after"], run.Differences.Select(d => d.CaseId));
        Assert.Equal(7, run.DroppedDifferences);
        Assert.Equal(6, shadow.RecordsDropped);
    }

    [Fact]
    public async Task Many_threads_route_while_another_flushes_and_every_sampled_difference_is_written_or_counted_as_dropped()
    {
        var action = Action("threads");
        using var folder = new ShadowFolder();
        var path = folder.File("shadow.jsonl");
        var time = new FakeTimeProvider(Start);
        using var provider = Provider(action, time, o => (o.RecordPath, o.Capacity) = (path, 64));
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        const int Threads = 4, PerThread = 5000;
        using var stop = new CancellationTokenSource();
        var flusher = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                shadow.Flush();
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                shadow.Route(Case(action, i % 2 == 0 ? Stricter : Same, $"t{t}-{i}"));
            }
        })));
        await stop.CancelAsync();
        await flusher;
        shadow.Flush();

        var ids = Lines(path).Select(l => l.GetProperty("requestId").GetString()).ToList();
        Assert.Equal(ids.Count, shadow.RecordsWritten);
        Assert.Equal(Threads * PerThread / 2, shadow.RecordsWritten + shadow.RecordsDropped);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(Threads * PerThread, shadow.Snapshot().Observed[action]);
    }

    [Fact]
    public void A_record_file_that_cannot_be_written_is_logged_and_counted_and_routing_goes_on()
    {
        var action = Action("unwritable");
        var folder = new ShadowFolder();
        var path = folder.File("shadow.jsonl");
        var logs = new FakeLogCollector();
        var time = new FakeTimeProvider(Start);
        using var provider = Provider(action, time, o => o.RecordPath = path, logs);
        using var dropped = Collect(provider, HitlTelemetry.ShadowRecordsDropped);
        provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        var shadow = provider.GetRequiredService<LiveShadow<Signals>>();
        folder.Dispose();

        var decision = shadow.Route(Case(action, Looser, "w-1"));
        shadow.Route(Case(action, Stricter, "w-2"));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RouteLevel.Escalate, decision.Route);
        Assert.Equal((0L, 2L), (shadow.RecordsWritten, shadow.RecordsDropped));
        Assert.Equal(2, Of(dropped, action).Where(m => Tag(m, HitlTelemetry.ShadowDropReasonTag) == "write-failed").Sum(m => m.Value));
        var logged = Assert.Single(logs.GetSnapshot(), l => l.Id.Id == 1061);
        Assert.Contains("2 record(s) could not be appended to " + path, logged.Message, StringComparison.Ordinal);
        Assert.NotNull(logged.Exception);

        // The next flush tries again.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            shadow.Route(Case(action, Stricter, "w-3"));
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(["w-3"], Lines(path).Select(l => l.GetProperty("requestId").GetString()));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_torn_last_line_left_in_the_file_does_not_swallow_the_next_record()
    {
        var action = Action("torn");
        using var folder = new ShadowFolder();
        var path = folder.File("shadow.jsonl");
        File.WriteAllText(path, "{\"at\":\"2026-01-01T00:00:00Z\",\"acti");
        var time = new FakeTimeProvider(Start);
        using var provider = Provider(action, time, o => o.RecordPath = path);

        provider.GetRequiredService<IEscalationPolicy<Signals>>().Route(Case(action, Stricter, "after-torn"));
        time.Advance(TimeSpan.FromSeconds(1));

        var lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.Equal("after-torn", JsonDocument.Parse(lines[1]).RootElement.GetProperty("requestId").GetString());
    }
}
