using System.Security.Cryptography;
using System.Text;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Tests.Audit;

/// <summary>
/// Issue 10, item 7: a torn tail over 1 GiB overflowed the line reader's buffer growth and made the store unopenable.
/// Lines are read up to a limit; a longer one is skipped in fixed steps and reported (torn when last, a break otherwise).
/// </summary>
public sealed class HugeLineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_reader_skips_a_line_longer_than_the_limit_in_bounded_memory()
    {
        // 48 MiB of 'x' made lazily, then a short line: nothing of the long line is held.
        using var stream = new LazyStream(48L * 1024 * 1024, tail: "\nshort\n"u8.ToArray());
        using var reader = new AuditLineReader(stream, long.MaxValue, maxLineLength: 1024 * 1024);
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.True(await reader.ReadLineAsync(synchronous: true, CancellationToken.None));
        Assert.True(reader.Overlong);
        Assert.True(reader.Terminated);
        Assert.Equal(48L * 1024 * 1024, reader.LineLength);
        Assert.Equal(0, reader.Line.Length);

        Assert.True(await reader.ReadLineAsync(synchronous: true, CancellationToken.None));
        Assert.False(reader.Overlong);
        Assert.Equal("short", Encoding.ASCII.GetString(reader.Line.Span));
        Assert.Equal(2, reader.LineNumber);
        Assert.Equal(48L * 1024 * 1024 + 1, reader.LineOffset);
        Assert.False(await reader.ReadLineAsync(synchronous: true, CancellationToken.None));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task A_torn_tail_over_one_GiB_is_found_torn_in_bounded_memory()
    {
        await WriteTrailAsync(3);
        var intact = new FileInfo(Trail).Length;

        // A sparse file: 1.1 GiB of zeros without a line end, costing no disk.
        using (var file = new FileStream(Trail, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(intact + 1100L * 1024 * 1024);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var check = JsonLinesAuditStore.VerifyFile(Trail);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(check.TornTail, check.Problem);
        Assert.Equal(3, check.RecordCount);
        Assert.Equal(4, check.FirstBrokenLine);
        Assert.Contains("1153433600 bytes without a line end", check.Problem, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024 * 1024, $"allocated {allocated} bytes to verify");

        // The store opens (torn), instead of failing to open.
        await using var store = JsonLinesAuditStore.Open(Trail);
        Assert.Equal(3, store.LastSequence);
        var refused = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("x")));
        Assert.True(refused.Verification!.TornTail, refused.Message);
    }

    [Fact]
    public async Task A_torn_tail_longer_than_a_line_may_be_is_repaired_in_steps_and_kept_whole()
    {
        await WriteTrailAsync(2);
        var torn = new byte[3 * 1024 * 1024 + 17];
        new Random(10).NextBytes(torn);
        torn.AsSpan().Replace((byte)'\n', (byte)' ');
        await using (var file = new FileStream(Trail, FileMode.Append))
        {
            await file.WriteAsync(torn);
            file.WriteByte((byte)'\n');
        }

        var options = new JsonLinesAuditStoreOptions { Path = Trail, MaxLineLength = 64 * 1024 };
        AuditRecord repair;
        await using (var store = JsonLinesAuditStore.Open(options))
        {
            var found = await store.VerifyAsync();
            Assert.True(found.TornTail, found.Problem);
            Assert.Contains("more than the 65536 bytes a record may take", found.Problem, StringComparison.Ordinal);
            repair = await store.RepairTornTailAsync("ops-ana", AuditSamples.Auditors, "garbage appended by a faulty agent");
            Assert.True((await store.VerifyAsync()).IsIntact);
        }

        var kept = await File.ReadAllBytesAsync(_dir.File(repair.Entry.Data!["tornCopy"]));
        Assert.Equal([.. torn, (byte)'\n'], kept);
        Assert.Equal((torn.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), repair.Entry.Data["tornLength"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kept)), repair.Entry.Data["tornSha256"]);
        Assert.False(repair.Entry.Data.ContainsKey("tornBase64"), "too large to keep in the record");
        Assert.Equal(3, JsonLinesAuditStore.VerifyFile(Trail).RecordCount);
    }

    [Fact]
    public async Task An_overlong_line_in_the_middle_is_a_break_naming_its_line_and_length()
    {
        await WriteTrailAsync(2);
        var lines = File.ReadAllLines(Trail);
        File.WriteAllLines(Trail, [lines[0], new string('x', 70_000), lines[1]]);

        var check = await JsonLinesAuditStore.VerifyFileCoreAsync(Trail, new AuditTrailScan.Settings(null, null, 64 * 1024), synchronous: false, CancellationToken.None);
        Assert.False(check.IsIntact);
        Assert.False(check.TornTail);
        Assert.Equal(2, check.FirstBrokenLine);
        Assert.Equal("line 2: the line is 70000 bytes long, more than the 65536 bytes a record may take; expected sequence 2.", check.Problem);
    }

    [Fact]
    public async Task An_entry_too_large_for_a_line_is_refused_and_the_store_goes_on()
    {
        await using var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, MaxLineLength = 4096 });
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await store.AppendAsync(AuditSamples.Simple("big") with { Reason = new string('r', 5000) }));
        Assert.Contains("case 'big'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at most 4096 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await store.AppendAsync(AuditSamples.Simple("small"))).Sequence);
    }

    private async Task WriteTrailAsync(int count)
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("case-" + i, i));
        }
    }

    /// <summary>A read-only stream of <c>length</c> bytes of 'x' made as they are read, then a tail.</summary>
    private sealed class LazyStream(long length, byte[] tail) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length + tail.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count && _position < Length)
            {
                buffer[offset + written++] = _position < length ? (byte)'x' : tail[_position - length];
                _position++;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Issue 10, item 10: store maintenance needs the auditor role, from the host's directory, and is recorded.</summary>
public sealed class StoreMaintenanceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Only_an_auditor_the_directory_knows_may_repair_a_torn_tail_and_the_repair_names_them()
    {
        await using (var writer = JsonLinesAuditStore.Open(Trail))
        {
            await writer.AppendAsync(AuditSamples.Simple("c"));
        }

        await File.AppendAllTextAsync(Trail, "{\"sequence\":2,\"prev");
        await using var store = JsonLinesAuditStore.Open(Trail);

        var notAuditor = await Assert.ThrowsAsync<ReviewException>(async () => await store.RepairTornTailAsync("rick", AuditSamples.Auditors, "I can fix it"));
        Assert.Equal(ReviewErrorCode.MissingRole, notAuditor.Code);
        Assert.Contains("'rick' does not hold the role 'auditor' (holds: operator, reviewer)", notAuditor.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<ReviewException>(async () => await store.RepairTornTailAsync("mallory", AuditSamples.Auditors, "trust me"));
        Assert.Equal(ReviewErrorCode.UnknownReviewer, unknown.Code);
        Assert.True((await store.VerifyAsync()).TornTail, "a refused repair changes nothing");
        await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("x")));

        var repair = await store.RepairTornTailAsync("ops-ana", AuditSamples.Auditors, "crash during deploy");
        Assert.Equal("ops-ana", repair.Entry.Actor);
        Assert.Equal("auditor", repair.Entry.ActorRole);
        Assert.Equal("senior", repair.Entry.ActorTier);
        Assert.Equal("crash during deploy", repair.Entry.Reason);
        var records = await AuditSamples.ReadAllAsync(store);
        Assert.Equal(ActKind.Corrected, records[^1].Entry.Act);
        Assert.Equal(JsonLinesAuditStore.TornTailRepairedReasonCode, records[^1].Entry.ReasonCode);
    }

    [Fact]
    public async Task The_auditor_role_is_an_option()
    {
        await File.WriteAllTextAsync(Trail, "garbage");
        await using var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, AuditorRole = "operator" });
        var repair = await store.RepairTornTailAsync("rick", AuditSamples.Auditors, "operators maintain trails here");
        Assert.Equal("operator", repair.Entry.ActorRole);
    }
}
