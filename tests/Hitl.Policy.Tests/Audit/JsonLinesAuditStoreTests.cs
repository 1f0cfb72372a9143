using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hitl.Policy.Audit;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Audit;

public sealed class JsonLinesAuditStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false, 8, 25)]
    [InlineData(true, 32, 50)]
    public async Task Parallel_appends_lose_nothing_duplicate_nothing_and_chain(bool groupCommit, int tasks, int perTask)
    {
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, GroupCommit = groupCommit }))
        {
            await store.AppendAsync(AuditSamples.Simple("before"));
            var returned = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
            {
                var mine = new List<AuditRecord>(perTask);
                for (var i = 0; i < perTask; i++)
                {
                    mine.Add(await store.AppendAsync(AuditSamples.Simple($"case-{t}-{i}", i)));
                }

                return mine;
            })));

            Assert.Equal(tasks * perTask, returned.Sum(r => r.Count));
            Assert.True((await store.VerifyAsync()).IsIntact);
        }

        await using var reopened = JsonLinesAuditStore.Open(Trail);
        var records = await AuditSamples.ReadAllAsync(reopened);
        var total = (tasks * perTask) + 1;
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(total, records.Select(r => r.Entry.CaseId).Distinct().Count());
        Assert.Equal(new AuditVerification(true, total, null, null, null, false), await reopened.VerifyAsync());
        Assert.Equal(total, File.ReadAllLines(Trail).Length);
    }

    [Fact]
    public async Task Reopening_continues_the_sequence_and_the_chain()
    {
        string lastHash;
        await using (var store = JsonLinesAuditStore.Open(Trail))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.AppendAsync(AuditSamples.Simple("a", i));
            }

            lastHash = store.LastHash;
        }

        await using (var store = await JsonLinesAuditStore.OpenAsync(new JsonLinesAuditStoreOptions { Path = Trail }))
        {
            Assert.Equal(3, store.LastSequence);
            Assert.Equal(lastHash, store.LastHash);
            var fourth = await store.AppendAsync(AuditSamples.Simple("b", 4));
            Assert.Equal(4, fourth.Sequence);
            Assert.Equal(lastHash, fourth.PreviousHash);
            await store.AppendAsync(AuditSamples.Simple("b", 5));
        }

        await using var again = JsonLinesAuditStore.Open(Trail);
        var records = await AuditSamples.ReadAllAsync(again);
        Assert.Equal([1L, 2, 3, 4, 5], records.Select(r => r.Sequence));
        Assert.Equal(["a", "a", "a", "b", "b"], records.Select(r => r.Entry.CaseId));
        Assert.True((await again.VerifyAsync()).IsIntact);
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);
    }

    [Fact]
    public async Task Every_field_round_trips_through_the_file()
    {
        var full = AuditSamples.Full();
        await using (var store = JsonLinesAuditStore.Open(Trail))
        {
            await store.AppendAsync(AuditSamples.Simple("first"));
            var record = await store.AppendAsync(full);
            AuditSamples.AssertSameEntry(full, record.Entry);
        }

        await using var reopened = JsonLinesAuditStore.Open(Trail);
        var read = (await AuditSamples.ReadAllAsync(reopened, 2)).Single();
        AuditSamples.AssertSameEntry(full, read.Entry);
        Assert.Equal(AuditChain.ComputeHash(2, read.PreviousHash, full), read.Hash);
        Assert.True(File.ReadAllBytes(Trail).All(b => b < 0x80), "the trail is written as ASCII, non-ASCII text escaped");
    }

    [Fact]
    public async Task Read_from_a_sequence_skips_earlier_records()
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        for (var i = 0; i < 12; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("c" + i, i));
        }

        var tail = await AuditSamples.ReadAllAsync(store, 10);

        Assert.Equal([10L, 11, 12], tail.Select(r => r.Sequence));
        Assert.Equal(["c9", "c10", "c11"], tail.Select(r => r.Entry.CaseId));
    }

    [Fact]
    public async Task A_correction_is_a_new_record_pointing_at_what_it_supersedes()
    {
        await using (var store = JsonLinesAuditStore.Open(Trail))
        {
            await store.AppendAsync(AuditSamples.Simple("c") with { ReasonCode = "wrong-code" });
            await store.AppendAsync(AuditSamples.Simple("d", 1));
            var correction = await store.AppendAsync(new AuditEntry
            {
                Act = ActKind.Corrected,
                CaseId = "c",
                At = AuditSamples.Start.AddHours(1),
                Actor = "lead-1",
                ActorRole = "operator",
                ReasonCode = "right-code",
                Supersedes = 1,
            });
            Assert.Equal(3, correction.Sequence);

            var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
                await store.AppendAsync(AuditSamples.Simple("c") with { Act = ActKind.Corrected, Supersedes = 4 }));
            Assert.Contains("AuditEntry.Supersedes is 4", ex.Message, StringComparison.Ordinal);
        }

        await using var reopened = JsonLinesAuditStore.Open(Trail);
        var records = await AuditSamples.ReadAllAsync(reopened);
        Assert.Equal(3, records.Count);
        Assert.Equal("wrong-code", records[0].Entry.ReasonCode);
        Assert.Equal(ActKind.Corrected, records[2].Entry.Act);
        Assert.Equal(1, records[2].Entry.Supersedes);
        Assert.True((await reopened.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Crash_mid_record_keeps_every_earlier_record_and_reports_the_torn_tail()
    {
        var written = await WriteTrailAsync(10);
        var bytes = await File.ReadAllBytesAsync(Trail);
        var lastStart = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        var cut = lastStart + ((bytes.Length - lastStart) / 2);
        await File.WriteAllBytesAsync(Trail, bytes[..cut]);

        await using var store = JsonLinesAuditStore.Open(Trail);
        var verification = await store.VerifyAsync();

        Assert.False(verification.IsIntact);
        Assert.True(verification.TornTail);
        Assert.Equal(9, verification.RecordCount);
        Assert.Equal(10, verification.FirstBrokenSequence);
        Assert.Equal(10, verification.FirstBrokenLine);
        Assert.Contains("line 10", verification.Problem, StringComparison.Ordinal);
        Assert.Contains("incomplete", verification.Problem, StringComparison.Ordinal);
        var read = await AuditSamples.ReadAllAsync(store);
        Assert.Equal(written.Take(9).Select(r => r.Hash), read.Select(r => r.Hash));
        for (var i = 0; i < 9; i++)
        {
            AuditSamples.AssertSameEntry(written[i].Entry, read[i].Entry);
        }

        Assert.Equal(9, store.LastSequence);
        Assert.Equal(verification, JsonLinesAuditStore.VerifyFile(Trail));
        Assert.Equal(verification, await JsonLinesAuditStore.VerifyFileAsync(Trail));
    }

    [Fact]
    public async Task A_cut_at_any_byte_of_any_record_is_a_torn_tail_after_the_intact_records()
    {
        await WriteTrailAsync(4);
        var bytes = await File.ReadAllBytesAsync(Trail);
        var line = 1;
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var result = (await AuditTrailScan.RunAsync(new MemoryStream(bytes[..cut]), long.MaxValue, synchronous: false, CancellationToken.None)).Verification;
            if (bytes[cut - 1] == (byte)'\n')
            {
                Assert.True(result.IsIntact, $"cut after line {line}");
                Assert.Equal(line, result.RecordCount);
                line++;
                continue;
            }

            Assert.True(result.TornTail, $"cut at byte {cut}");
            Assert.Equal(line - 1, result.RecordCount);
            Assert.Equal(line, result.FirstBrokenLine);
        }
    }

    [Fact]
    public async Task A_torn_tail_refuses_appends_until_a_person_repairs_it_and_nothing_is_lost()
    {
        await WriteTrailAsync(5);
        var torn = Encoding.ASCII.GetBytes("{\"sequence\":6,\"previousHash\":\"00");
        await using (var file = new FileStream(Trail, FileMode.Append))
        {
            await file.WriteAsync(torn);
        }

        var intactLength = new FileInfo(Trail).Length - torn.Length;
        var at = AuditSamples.Start.AddDays(1);
        await using (var store = JsonLinesAuditStore.Open(Trail, new FakeTimeProvider(at)))
        {
            var refused = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("x")));
            Assert.Contains("torn", refused.Message, StringComparison.Ordinal);
            Assert.True(refused.Verification!.TornTail);

            var repair = await store.RepairTornTailAsync("ops-ana", AuditSamples.Auditors, "power loss during deploy");

            Assert.Equal(6, repair.Sequence);
            Assert.Equal(ActKind.Corrected, repair.Entry.Act);
            Assert.Null(repair.Entry.Supersedes);
            Assert.Equal(JsonLinesAuditStore.TornTailRepairedReasonCode, repair.Entry.ReasonCode);
            Assert.Equal("ops-ana", repair.Entry.Actor);
            Assert.Equal(at, repair.Entry.At);
            Assert.Equal("6", repair.Entry.Data!["tornLine"]);
            Assert.Equal(intactLength.ToString(System.Globalization.CultureInfo.InvariantCulture), repair.Entry.Data["tornOffset"]);
            Assert.Equal(torn, Convert.FromBase64String(repair.Entry.Data["tornBase64"]));
            Assert.Equal(torn, await File.ReadAllBytesAsync(_dir.File(repair.Entry.Data["tornCopy"])));
            Assert.True((await store.VerifyAsync()).IsIntact);
            Assert.Equal(7, (await store.AppendAsync(AuditSamples.Simple("after"))).Sequence);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.RepairTornTailAsync("ops-ana", AuditSamples.Auditors, "again"));
        }

        var check = JsonLinesAuditStore.VerifyFile(Trail);
        Assert.Equal(new AuditVerification(true, 7, null, null, null, false), check);
    }

    [Theory]
    [InlineData("\0\0\0\0\0\0")]
    [InlineData("garbage\n")]
    [InlineData("\n")]
    public async Task A_last_line_that_is_not_a_record_is_a_torn_tail(string tail)
    {
        await WriteTrailAsync(3);
        await File.AppendAllTextAsync(Trail, tail);

        var result = JsonLinesAuditStore.VerifyFile(Trail);

        Assert.True(result.TornTail);
        Assert.Equal(3, result.RecordCount);
        Assert.Equal(4, result.FirstBrokenLine);
    }

    [Fact]
    public async Task A_line_that_is_not_a_record_before_the_end_is_a_break_not_a_torn_tail()
    {
        await WriteTrailAsync(3);
        var lines = File.ReadAllLines(Trail).ToList();
        lines.Insert(1, "garbage");
        await File.WriteAllTextAsync(Trail, string.Join('\n', lines) + "\n");

        var result = JsonLinesAuditStore.VerifyFile(Trail);

        Assert.False(result.IsIntact);
        Assert.False(result.TornTail);
        Assert.Equal(2, result.FirstBrokenLine);
        Assert.Equal(2, result.FirstBrokenSequence);
    }

    [Fact]
    public async Task Tampering_with_one_byte_is_found_and_named_by_sequence_and_line()
    {
        await WriteTrailAsync(10);
        var bytes = await File.ReadAllBytesAsync(Trail);
        var seventh = IndexOfLine(bytes, 7);
        var actor = IndexOf(bytes, "\"actor\":\"reviewer-6\"", seventh) + "\"actor\":\"reviewer-".Length;
        bytes[actor] = (byte)'9';
        await File.WriteAllBytesAsync(Trail, bytes);

        await using var store = JsonLinesAuditStore.Open(Trail);
        var result = await store.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.False(result.TornTail);
        Assert.Equal(7, result.FirstBrokenSequence);
        Assert.Equal(7, result.FirstBrokenLine);
        Assert.Equal(6, result.RecordCount);
        Assert.StartsWith("line 7: sequence 7: the content does not match", result.Problem, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("x")));
        Assert.Contains("broken", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.RepairTornTailAsync("ops-ana", AuditSamples.Auditors, "try"));
        Assert.Equal(10, (await AuditSamples.ReadAllAsync(store)).Count);
    }

    [Fact]
    public async Task A_formatting_only_change_is_found()
    {
        await WriteTrailAsync(3);
        var text = await File.ReadAllTextAsync(Trail);
        var second = text.IndexOf('\n', StringComparison.Ordinal) + 1;
        await File.WriteAllTextAsync(Trail, text[..second] + text[second..].Replace("{\"act\"", "{ \"act\"", StringComparison.Ordinal));

        var result = JsonLinesAuditStore.VerifyFile(Trail);

        Assert.Equal(2, result.FirstBrokenLine);
        Assert.Contains("canonical form", result.Problem, StringComparison.Ordinal);
    }

    /// <summary>A trail of six records as its bytes, and the line each byte is on: written once for the single-byte law.</summary>
    private static readonly Lazy<(byte[] Bytes, int[] LineOf)> SixRecords = new(() =>
    {
        using var dir = new TempDirectory();
        var path = dir.File("audit.jsonl");
        WriteTrailAsync(path, 6).GetAwaiter().GetResult();
        var bytes = File.ReadAllBytes(path);
        var lineOf = new int[bytes.Length];
        for (int i = 0, line = 1; i < bytes.Length; i++)
        {
            lineOf[i] = line;
            if (bytes[i] == (byte)'\n')
            {
                line++;
            }
        }

        return (bytes, lineOf);
    });

    public static class SingleByteChanges
    {
        /// <summary>A position in the six-record trail and a non-zero amount to add to its byte.</summary>
        public static Arbitrary<(int Position, int Delta)> Changes() =>
            (from position in Gen.Choose(0, SixRecords.Value.Bytes.Length - 1)
             from delta in Gen.Choose(1, 255)
             select (position, delta)).ToArbitrary();
    }

    [Property(MaxTest = 3000, Arbitrary = [typeof(SingleByteChanges)])]
    public bool Changing_any_single_byte_is_found_at_its_line((int Position, int Delta) change)
    {
        var (original, lineOf) = SixRecords.Value;
        var bytes = (byte[])original.Clone();
        bytes[change.Position] = (byte)(bytes[change.Position] + change.Delta);
        var result = AuditTrailScan.RunAsync(new MemoryStream(bytes), long.MaxValue, synchronous: true, CancellationToken.None).AsTask().Result.Verification;
        return !result.IsIntact && result.FirstBrokenLine == lineOf[change.Position] && result.FirstBrokenSequence == lineOf[change.Position];
    }

    [Fact]
    public async Task Records_cut_off_the_end_while_open_are_found()
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        for (var i = 0; i < 5; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("c", i));
        }

        var threeLines = IndexOfLine(await File.ReadAllBytesAsync(Trail), 4);
        await using (var file = new FileStream(Trail, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(threeLines);
        }

        var result = await store.VerifyAsync();

        Assert.False(result.IsIntact);
        Assert.Equal(3, result.RecordCount);
        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("removed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_that_cannot_be_made_durable_throws_and_the_store_stops()
    {
        FailingFlushStream? data = null;
        var options = new JsonLinesAuditStoreOptions
        {
            Path = Trail,
            OpenDataFile = path => data = new FailingFlushStream(path),
        };
        await using (var store = JsonLinesAuditStore.Open(options))
        {
            await store.AppendAsync(AuditSamples.Simple("ok-1"));
            await store.AppendAsync(AuditSamples.Simple("ok-2", 1));
            data!.Fail = true;

            var failed = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("lost", 2)));
            Assert.Contains("could not be made durable", failed.Message, StringComparison.Ordinal);
            Assert.IsType<IOException>(failed.InnerException);

            data.Fail = false;
            var refused = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(AuditSamples.Simple("later", 3)));
            Assert.Contains("stopped", refused.Message, StringComparison.Ordinal);
            Assert.Equal(2, store.LastSequence);
        }

        await using var reopened = JsonLinesAuditStore.Open(Trail);
        var records = await AuditSamples.ReadAllAsync(reopened);
        Assert.Equal(["ok-1", "ok-2"], records.Take(2).Select(r => r.Entry.CaseId));
        Assert.True((await reopened.VerifyAsync()).IsIntact);
        Assert.Equal(records.Count + 1, (await reopened.AppendAsync(AuditSamples.Simple("next"))).Sequence);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 64)]
    public async Task Group_commit_shares_one_flush_among_the_appends_that_wait_together(bool groupCommit, int expectedFlushes)
    {
        FailingFlushStream? data = null;
        await using var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions
        {
            Path = Trail,
            GroupCommit = groupCommit,
            OpenDataFile = path => data = new FailingFlushStream(path),
        });
        data!.HoldNextFlush = true;

        var first = store.AppendAsync(AuditSamples.Simple("c0")).AsTask();
        await data.Entered.WaitAsync();
        var rest = Enumerable.Range(1, 63).Select(i => store.AppendAsync(AuditSamples.Simple("c" + i, i)).AsTask()).ToArray();
        Assert.False(first.IsCompleted, "an append completes only after its flush");
        data.Release.Release();
        await Task.WhenAll(rest.Prepend(first));

        Assert.Equal(expectedFlushes, data.Flushes);
        Assert.Equal(64, store.LastSequence);
        Assert.True((await store.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_is_refused_while_the_first_is_open()
    {
        var first = JsonLinesAuditStore.Open(Trail);
        await first.AppendAsync(AuditSamples.Simple("c"));

        var ex = Assert.Throws<AuditStoreException>(() => JsonLinesAuditStore.Open(Trail));
        Assert.Contains("is it open in another store or process?", ex.Message, StringComparison.Ordinal);
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);

        await first.DisposeAsync();
        using var second = JsonLinesAuditStore.Open(Trail);
        Assert.Equal(1, second.LastSequence);
    }

    [Fact]
    public async Task Appends_after_dispose_are_refused_and_queued_ones_are_written()
    {
        var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, GroupCommit = true });
        var appends = Enumerable.Range(0, 20).Select(i => store.AppendAsync(AuditSamples.Simple("c" + i, i)).AsTask()).ToArray();
        await store.DisposeAsync();

        await Task.WhenAll(appends);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.AppendAsync(AuditSamples.Simple("late")));
        Assert.Equal(new AuditVerification(true, 20, null, null, null, false), JsonLinesAuditStore.VerifyFile(Trail));
    }

    [Theory]
    [InlineData(null, 256, "Path")]
    [InlineData(" ", 256, "Path")]
    [InlineData("x.jsonl", 0, "GroupCommitMaxRecords")]
    public void Invalid_options_are_refused_by_name_and_value(string? path, int max, string field)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions
        {
            Path = path == "x.jsonl" ? _dir.File(path) : path,
            GroupCommitMaxRecords = max,
        }));
        Assert.Contains("JsonLinesAuditStoreOptions." + field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trail_in_a_missing_directory_is_refused_by_path()
    {
        var path = _dir.File("no-such-dir/audit.jsonl");

        var ex = Assert.Throws<AuditStoreException>(() => JsonLinesAuditStore.Open(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_append_writes_nothing()
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        await store.AppendAsync(AuditSamples.Simple("c"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.AppendAsync(AuditSamples.Simple("d"), cancelled.Token));

        Assert.Equal(1, store.LastSequence);
        Assert.Equal(new AuditVerification(true, 1, null, null, null, false), await store.VerifyAsync());
    }

    [Fact]
    public void Verifying_a_missing_file_says_so()
    {
        Assert.Throws<FileNotFoundException>(() => JsonLinesAuditStore.VerifyFile(_dir.File("none.jsonl")));
    }

    private Task<List<AuditRecord>> WriteTrailAsync(int count) => WriteTrailAsync(Trail, count);

    private static async Task<List<AuditRecord>> WriteTrailAsync(string path, int count)
    {
        var records = new List<AuditRecord>();
        await using var store = JsonLinesAuditStore.Open(path);
        for (var i = 0; i < count; i++)
        {
            records.Add(await store.AppendAsync(AuditSamples.Simple("case-" + i, i) with { RulesFired = ["r" + i], Confidence = i / 10.0 }));
        }

        return records;
    }

    private static int IndexOfLine(byte[] bytes, int line)
    {
        var at = 0;
        for (var i = 1; i < line; i++)
        {
            at = Array.IndexOf(bytes, (byte)'\n', at) + 1;
        }

        return at;
    }

    private static int IndexOf(byte[] bytes, string text, int from) =>
        from + bytes.AsSpan(from).IndexOf(Encoding.ASCII.GetBytes(text));

    private sealed class FailingFlushStream(string path) : FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0)
    {
        private int _flushes;

        public volatile bool Fail;

        /// <summary>When set, the next flush to disk signals <see cref="Entered"/> and waits for <see cref="Release"/>.</summary>
        public volatile bool HoldNextFlush;

        public SemaphoreSlim Entered { get; } = new(0);

        public SemaphoreSlim Release { get; } = new(0);

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Flush(bool flushToDisk)
        {
            if (Fail)
            {
                throw new IOException("disk full (simulated)");
            }

            if (flushToDisk && HoldNextFlush)
            {
                HoldNextFlush = false;
                Entered.Release();
                Release.Wait();
            }

            base.Flush(flushToDisk);
            if (flushToDisk)
            {
                Interlocked.Increment(ref _flushes);
            }
        }
    }
}
