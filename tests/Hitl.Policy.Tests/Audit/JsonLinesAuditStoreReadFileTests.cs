using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

public sealed class JsonLinesAuditStoreReadFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reads_every_record_while_a_store_holds_the_file_open()
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        var written = new List<AuditRecord>();
        for (var i = 0; i < 5; i++)
        {
            written.Add(await store.AppendAsync(AuditSamples.Simple("case-" + i, i)));
        }

        var read = await ReadAllAsync();

        Assert.Equal(written.Select(r => (r.Sequence, r.Hash)), read.Select(r => (r.Sequence, r.Hash)));
        AuditSamples.AssertSameEntry(written[3].Entry, read[3].Entry);
    }

    [Fact]
    public async Task Stops_before_a_torn_tail()
    {
        await using (var store = JsonLinesAuditStore.Open(Trail))
        {
            await store.AppendAsync(AuditSamples.Simple("a"));
            await store.AppendAsync(AuditSamples.Simple("b", 1));
        }

        await File.AppendAllTextAsync(Trail, "{\"sequence\":3,\"prev");

        Assert.Equal([1L, 2], (await ReadAllAsync()).Select(r => r.Sequence));
    }

    [Fact]
    public async Task A_line_that_is_not_a_record_before_the_last_is_named()
    {
        await using (var store = JsonLinesAuditStore.Open(Trail))
        {
            await store.AppendAsync(AuditSamples.Simple("a"));
        }

        await File.AppendAllTextAsync(Trail, "not a record\n");
        await using (var store = File.AppendText(Trail))
        {
            await store.WriteAsync(File.ReadAllLines(Trail)[0] + "\n");
        }

        var error = await Assert.ThrowsAsync<AuditStoreException>(ReadAllAsync);
        Assert.Contains("Line 2 of the audit trail", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_throws_file_not_found()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(ReadAllAsync);
        Assert.False(File.Exists(Trail));
    }

    private async Task<List<AuditRecord>> ReadAllAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in JsonLinesAuditStore.ReadFileAsync(Trail))
        {
            records.Add(record);
        }

        return records;
    }
}
