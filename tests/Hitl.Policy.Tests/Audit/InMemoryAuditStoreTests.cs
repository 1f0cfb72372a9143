using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

public class InMemoryAuditStoreTests
{
    [Fact]
    public async Task Parallel_appends_lose_nothing_duplicate_nothing_and_chain()
    {
        const int tasks = 64;
        const int perTask = 200;
        var store = new InMemoryAuditStore();

        var returned = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<AuditRecord>(perTask);
            for (var i = 0; i < perTask; i++)
            {
                mine.Add(await store.AppendAsync(AuditSamples.Simple($"case-{t}-{i}", i)));
            }

            return mine;
        })));

        var records = await AuditSamples.ReadAllAsync(store);
        Assert.Equal(tasks * perTask, records.Count);
        Assert.Equal(Enumerable.Range(1, tasks * perTask).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(tasks * perTask, records.Select(r => r.Entry.CaseId).Distinct().Count());
        Assert.Equal(
            returned.SelectMany(r => r).OrderBy(r => r.Sequence).Select(r => r.Hash),
            records.Select(r => r.Hash));
        Assert.True((await store.VerifyAsync()).IsIntact);
        Assert.Equal(records[^1].Hash, store.LastHash);
    }

    [Fact]
    public async Task Read_from_a_sequence_returns_that_record_on()
    {
        var store = new InMemoryAuditStore();
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("c", i));
        }

        var tail = await AuditSamples.ReadAllAsync(store, from: 7);

        Assert.Equal([7L, 8, 9, 10], tail.Select(r => r.Sequence));
        Assert.Empty(await AuditSamples.ReadAllAsync(store, from: 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadAsync(0));
    }

    [Fact]
    public async Task Every_field_round_trips()
    {
        var store = new InMemoryAuditStore();
        await store.AppendAsync(AuditSamples.Simple("c"));
        var full = AuditSamples.Full();

        var record = await store.AppendAsync(full);

        AuditSamples.AssertSameEntry(full, record.Entry);
        AuditSamples.AssertSameEntry(full, (await AuditSamples.ReadAllAsync(store, 2))[0].Entry);
    }

    [Fact]
    public async Task Changing_a_list_after_appending_does_not_change_the_record()
    {
        var store = new InMemoryAuditStore();
        var rules = new List<string> { "a", "b" };
        var data = new Dictionary<string, string> { ["k"] = "v" };

        await store.AppendAsync(AuditSamples.Simple("c") with { RulesFired = rules, Data = data });
        rules.Add("c");
        data["k"] = "changed";

        var entry = (await AuditSamples.ReadAllAsync(store))[0].Entry;
        Assert.Equal(["a", "b"], entry.RulesFired!);
        Assert.Equal("v", entry.Data!["k"]);
        Assert.True((await store.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_correction_points_at_the_record_it_supersedes()
    {
        var store = new InMemoryAuditStore();
        var wrong = await store.AppendAsync(AuditSamples.Simple("c") with { Reason = "approved 1000" });
        await store.AppendAsync(AuditSamples.Simple("d", 1));

        var correction = await store.AppendAsync(new AuditEntry
        {
            Act = ActKind.Corrected,
            CaseId = "c",
            At = AuditSamples.Start.AddMinutes(5),
            Actor = "lead-1",
            Reason = "the amount was 100",
            Supersedes = wrong.Sequence,
        });

        var records = await AuditSamples.ReadAllAsync(store);
        Assert.Equal(3, records.Count);
        Assert.Equal(wrong.Sequence, correction.Entry.Supersedes);
        Assert.Equal("approved 1000", records[0].Entry.Reason);
        Assert.Equal(records[1].Hash, correction.PreviousHash);
        Assert.True((await store.VerifyAsync()).IsIntact);
    }

    public static TheoryData<string, Func<AuditEntry, AuditEntry>, string> InvalidEntries => new()
    {
        { "CaseId", e => e with { CaseId = " " }, "' '" },
        { "At", e => e with { At = default }, "0001-01-01" },
        { "Act", e => e with { Act = (ActKind)99 }, "99" },
        { "Route", e => e with { Route = (RouteLevel)9 }, "9" },
        { "Supersedes", e => e with { Act = ActKind.Corrected }, "required when Act is Corrected" },
        { "Supersedes", e => e with { Act = ActKind.Corrected, Supersedes = 3 }, "is 3" },
        { "Supersedes", e => e with { Supersedes = 0 }, "is 0" },
        { "Reason", e => e with { Reason = "bad \ud800 text" }, "index 4" },
        { "RulesFired[1]", e => e with { RulesFired = ["a", null!] }, "null" },
        { "Data['k']", e => e with { Data = new Dictionary<string, string> { ["k"] = null! } }, "null" },
    };

    [Theory]
    [MemberData(nameof(InvalidEntries))]
    public async Task An_entry_that_cannot_be_recorded_faithfully_is_refused_naming_field_and_value(string field, Func<AuditEntry, AuditEntry> spoil, string value)
    {
        var store = new InMemoryAuditStore();
        await store.AppendAsync(AuditSamples.Simple("first"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(spoil(AuditSamples.Simple("c"))));

        Assert.Contains("AuditEntry." + field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, store.Count);
    }
}
