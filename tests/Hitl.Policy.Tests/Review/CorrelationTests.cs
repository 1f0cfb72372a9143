using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Review;

/// <summary>The host's correlation ids: kept on the case and its ticket, written on every record, bounded at submit.</summary>
public sealed class CorrelationTests
{
    private static readonly Dictionary<string, string> Ids = new(StringComparer.Ordinal)
    {
        [CaseCorrelation.ConversationId] = "conv-17",
        [CaseCorrelation.ToolCallId] = "call_Ab3",
    };

    [Fact]
    public async Task The_ids_are_on_the_case_its_ticket_and_every_record_of_it()
    {
        using var f = new GateFixture();
        var result = await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(2000), Payload = "refund", Correlation = Ids });
        await f.Gate.RejectAsync(new HumanAct(result.CaseId, "ann", "wrong-amount", "the invoice says 200"));

        Assert.Equal(Ids, result.Ticket!.Correlation);
        Assert.Equal(Ids, (await f.Gate.GetCaseAsync(result.CaseId))!.Correlation);
        var entries = f.Audit.EntriesFor(result.CaseId);
        Assert.Equal([ActKind.Decided, ActKind.Rejected], entries.Select(e => e.Act));
        Assert.All(entries, e => Assert.Equal(Ids, e.Correlation));
    }

    [Fact]
    public async Task A_case_without_ids_records_none_and_older_records_keep_their_hashes()
    {
        using var f = new GateFixture();
        var result = await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10), Payload = "refund" });

        var entry = Assert.Single(f.Audit.EntriesFor(result.CaseId));
        Assert.Null(entry.Correlation);
        Assert.DoesNotContain("correlation", System.Text.Encoding.UTF8.GetString(AuditChain.SerializeEntry(entry)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ids_survive_a_json_lines_trail_and_its_verification()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hitl-correlation-{Guid.NewGuid():N}.jsonl");
        try
        {
            await using (var store = JsonLinesAuditStore.Open(path))
            {
                await store.AppendAsync(new AuditEntry { Act = ActKind.Decided, CaseId = "c-1", At = DateTimeOffset.UnixEpoch, Correlation = Ids });
            }

            await using var reopened = JsonLinesAuditStore.Open(path);
            Assert.True((await reopened.VerifyAsync()).IsIntact);
            await foreach (var record in reopened.ReadAsync())
            {
                Assert.Equal(Ids, record.Entry.Correlation);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("conversation id", "v", "the key 'conversation id'")]
    [InlineData("", "v", "the key ''")]
    [InlineData("k", "line\nbreak", "['k']")]
    [InlineData("k", "lone surrogate", "['k']")]
    public async Task A_bad_id_is_refused_before_anything_is_recorded(string key, string value, string named)
    {
        using var f = new GateFixture();

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await f.Gate.SubmitAsync(new GateRequest<Signals>
        {
            Context = GateFixture.Refund(10),
            Payload = "refund",
            CaseId = "c-bad",
            Correlation = new Dictionary<string, string> { [key] = value == "lone surrogate" ? "a\ud800" : value }, // xunit cannot carry a lone surrogate as data
        }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("c-bad", error.Message, StringComparison.Ordinal);
        Assert.Empty(f.Audit.Records);
    }

    [Fact]
    public async Task Too_many_or_too_long_ids_are_refused()
    {
        using var f = new GateFixture();
        var many = Enumerable.Range(0, CaseCorrelation.MaxEntries + 1).ToDictionary(i => $"k{i}", i => "v");
        var longValue = new Dictionary<string, string> { ["k"] = new string('x', CaseCorrelation.MaxValueLength + 1) };
        var longKey = new Dictionary<string, string> { [new string('k', CaseCorrelation.MaxKeyLength + 1)] = "v" };

        foreach (var ids in new[] { many, longValue, longKey })
        {
            await Assert.ThrowsAsync<ArgumentException>(async () => await f.Gate.SubmitAsync(new GateRequest<Signals> { Context = GateFixture.Refund(10), Payload = "p", Correlation = ids }));
        }

        Assert.Empty(f.Audit.Records);
    }
}
