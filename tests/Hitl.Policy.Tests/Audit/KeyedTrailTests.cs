using System.Text;
using Hitl.Policy.Audit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Tests.Audit;

/// <summary>
/// Issue 10, item 9: with a plain SHA-256 chain a rewritten file, re-appended edited entries and a cut-off tail all
/// verify. A keyed chain (HMAC-SHA256, key id on every record) and a signed checkpoint kept elsewhere find them.
/// </summary>
public sealed class KeyedTrailTests : IDisposable
{
    private static readonly AuditKey K1 = new("k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly AuditKey K2 = new("k2", Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly AuditKey Forged = new("k1", Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    private static AuditKeyRing Ring => new(K1);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Every_record_of_a_keyed_trail_names_its_key_and_verifies_only_with_it()
    {
        var written = await WriteKeyedAsync(Ring, 5);

        Assert.All(written, r => Assert.Equal("k1", r.KeyId));
        Assert.All(File.ReadAllLines(Trail), line => Assert.Contains("\"keyId\":\"k1\",\"hash\":", line, StringComparison.Ordinal));
        var withKey = JsonLinesAuditStore.VerifyFile(Trail, Ring);
        Assert.True(withKey.IsIntact, withKey.Problem);
        Assert.Equal(0, withKey.UncheckedMacs);
        Assert.Equal(5, withKey.KeyedRecords);

        // Without the key only the links can be checked, and the result says so.
        var withoutKey = JsonLinesAuditStore.VerifyFile(Trail);
        Assert.True(withoutKey.IsIntact);
        Assert.Equal(5, withoutKey.UncheckedMacs);

        var wrongKey = JsonLinesAuditStore.VerifyFile(Trail, new AuditKeyRing(Forged));
        Assert.False(wrongKey.IsIntact);
        Assert.Equal(1, wrongKey.FirstBrokenSequence);
        Assert.Contains("does not match the record's content under key 'k1'", wrongKey.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_chain_rewritten_by_an_attacker_verifies_but_a_keyed_one_does_not()
    {
        // The weak mode, as the issue found it: edit record 3 and recompute every later hash.
        await WriteUnkeyedAsync(5);
        RewriteFrom(3, key: null, stripKeyId: true);
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact, "a plain hash chain cannot tell");

        // Keyed: the same rewrite, as plain hashes, is refused where it starts.
        File.Delete(Trail);
        await WriteKeyedAsync(Ring, 5);
        RewriteFrom(3, key: null, stripKeyId: true);
        var downgraded = JsonLinesAuditStore.VerifyFile(Trail, Ring);
        Assert.False(downgraded.IsIntact);
        Assert.Equal(3, downgraded.FirstBrokenSequence);
        Assert.Equal(3, downgraded.FirstBrokenLine);
        Assert.Contains("not keyed (a plain SHA-256 hash) but follows keyed records", downgraded.Problem, StringComparison.Ordinal);

        // Even checked without the key, a plain record after keyed ones is a break.
        Assert.False(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);

        // Rewritten with a key of the same id but another secret: the MAC of record 3 fails.
        File.Delete(Trail);
        await WriteKeyedAsync(Ring, 5);
        RewriteFrom(3, Forged, stripKeyId: false);
        var forged = JsonLinesAuditStore.VerifyFile(Trail, Ring);
        Assert.False(forged.IsIntact);
        Assert.Equal(3, forged.FirstBrokenSequence);
        Assert.Contains("sequence 3: the MAC", forged.Problem, StringComparison.Ordinal);

        // The whole file rewritten as a plain chain: refused from record 1 when checked with the key.
        File.Delete(Trail);
        await WriteKeyedAsync(Ring, 5);
        RewriteFrom(1, key: null, stripKeyId: true);
        var plain = JsonLinesAuditStore.VerifyFile(Trail, Ring);
        Assert.Equal(1, plain.FirstBrokenSequence);
        Assert.Contains("not keyed", plain.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edited_entries_re_appended_through_AppendAsync_do_not_verify_without_the_key()
    {
        var original = await WriteKeyedAsync(Ring, 4);
        var copy = _dir.File("forged.jsonl");

        // The attacker replays the entries, one of them edited, into a new trail through the public API.
        await using (var attacker = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = copy, KeyRing = new AuditKeyRing(Forged) }))
        {
            foreach (var record in original)
            {
                await attacker.AppendAsync(record.Sequence == 2 ? record.Entry with { Actor = "mallory" } : record.Entry);
            }
        }

        var check = JsonLinesAuditStore.VerifyFile(copy, Ring);
        Assert.False(check.IsIntact);
        Assert.Equal(1, check.FirstBrokenSequence);

        // Unkeyed, the same replay is indistinguishable from the real trail.
        var plainCopy = _dir.File("plain.jsonl");
        await using (var attacker = JsonLinesAuditStore.Open(plainCopy))
        {
            foreach (var record in original)
            {
                await attacker.AppendAsync(record.Entry);
            }
        }

        Assert.True(JsonLinesAuditStore.VerifyFile(plainCopy).IsIntact);
        Assert.False(JsonLinesAuditStore.VerifyFile(plainCopy, Ring).IsIntact);
    }

    [Fact]
    public async Task A_keyed_trail_cannot_be_opened_without_its_keys_nor_with_a_forged_key()
    {
        await WriteKeyedAsync(Ring, 3);

        var refused = Assert.Throws<AuditStoreException>(() => JsonLinesAuditStore.Open(Trail));
        Assert.Contains("is keyed (its records are signed with key 'k1')", refused.Message, StringComparison.Ordinal);

        await using var forged = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = new AuditKeyRing(Forged) });
        Assert.False((await forged.VerifyAsync()).IsIntact);
        await Assert.ThrowsAsync<AuditStoreException>(async () => await forged.AppendAsync(AuditSamples.Simple("x")));
    }

    [Fact]
    public async Task Records_cut_off_the_end_are_found_against_a_checkpoint_and_the_message_says_how_many()
    {
        AuditCheckpoint checkpoint;
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = Ring }, new FakeTimeProvider(AuditSamples.Start)))
        {
            for (var i = 0; i < 6; i++)
            {
                await store.AppendAsync(AuditSamples.Simple("c" + i, i));
            }

            checkpoint = store.CreateCheckpoint();
            Assert.Equal(6, checkpoint.Sequence);
            Assert.Equal(store.LastHash, checkpoint.Hash);
            Assert.Equal("k1", checkpoint.KeyId);
        }

        var kept = _dir.File("checkpoint.json");
        await File.WriteAllTextAsync(kept, checkpoint.ToJson());
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail, Ring, AuditCheckpoint.Parse(await File.ReadAllTextAsync(kept))).CheckpointMatched);

        // Delete the last two records: the chain alone still verifies (the finding) ...
        var lines = File.ReadAllLines(Trail);
        File.WriteAllLines(Trail, lines[..4]);
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail, Ring).IsIntact);

        // ... the checkpoint does not.
        var cut = JsonLinesAuditStore.VerifyFile(Trail, Ring, checkpoint);
        Assert.False(cut.IsIntact);
        Assert.Equal(5, cut.FirstBrokenSequence);
        Assert.Contains("the trail ends at sequence 4, but the checkpoint", cut.Problem, StringComparison.Ordinal);
        Assert.Contains("2 records were cut off the end", cut.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trail_rewritten_up_to_the_checkpoint_or_a_changed_checkpoint_is_found()
    {
        var records = await WriteKeyedAsync(Ring, 3);
        var checkpoint = AuditCheckpoint.Create(3, records[^1].Hash, AuditSamples.Start, Ring);

        // A trail that is replaced by another, validly keyed one (an insider with the key) still differs at the checkpoint.
        File.Delete(Trail);
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = Ring }))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.AppendAsync(AuditSamples.Simple("other" + i, i));
            }
        }

        var replaced = JsonLinesAuditStore.VerifyFile(Trail, Ring, checkpoint);
        Assert.False(replaced.IsIntact);
        Assert.Equal(3, replaced.FirstBrokenSequence);
        Assert.Contains("that the checkpoint of", replaced.Problem, StringComparison.Ordinal);

        // Moving the checkpoint back to hide the cut breaks its MAC.
        var moved = checkpoint with { Sequence = 2, Hash = records[1].Hash };
        var check = JsonLinesAuditStore.VerifyFile(Trail, Ring, AuditCheckpoint.Parse(moved.ToJson()));
        Assert.False(check.IsIntact);
        Assert.Contains("the checkpoint MAC", check.Problem, StringComparison.Ordinal);

        // An unsigned checkpoint is not accepted where keys are given.
        var unsigned = AuditCheckpoint.Create(3, records[^1].Hash, AuditSamples.Start, keys: null);
        Assert.Contains("is not signed", JsonLinesAuditStore.VerifyFile(Trail, Ring, unsigned).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotation_signs_new_records_with_the_active_key_and_older_keys_still_verify()
    {
        await WriteKeyedAsync(Ring, 2);
        var rotated = new AuditKeyRing(K2, K1);
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = rotated }))
        {
            Assert.Equal("k2", store.ActiveKeyId);
            var next = await store.AppendAsync(AuditSamples.Simple("after-rotation"));
            Assert.Equal("k2", next.KeyId);
        }

        var all = await AuditSamples.ReadAllAsync(JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = rotated }));
        Assert.Equal(["k1", "k1", "k2"], all.Select(r => r.KeyId));
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail, rotated).IsIntact);

        var withoutOld = JsonLinesAuditStore.VerifyFile(Trail, new AuditKeyRing(K2));
        Assert.Equal(1, withoutOld.FirstBrokenSequence);
        Assert.Contains("key 'k1', which is not in the key ring ('k2')", withoutOld.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unkeyed_trail_continues_keyed_only_when_allowed_and_never_goes_back()
    {
        await WriteUnkeyedAsync(2);

        await using (var strict = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = Ring }))
        {
            var problem = (await strict.VerifyAsync()).Problem;
            Assert.Contains("AllowUnkeyedRecords", problem, StringComparison.Ordinal);
            await Assert.ThrowsAsync<AuditStoreException>(async () => await strict.AppendAsync(AuditSamples.Simple("x")));
        }

        await using (var migrating = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = Ring, AllowUnkeyedRecords = true }))
        {
            Assert.Equal("k1", (await migrating.AppendAsync(AuditSamples.Simple("keyed"))).KeyId);
        }

        Assert.True(JsonLinesAuditStore.VerifyFile(Trail, new AuditKeyRing(K1) { AllowUnkeyedRecords = true }).IsIntact);
        Assert.False(JsonLinesAuditStore.VerifyFile(Trail, Ring).IsIntact);

        // A store without keys refuses to append plain records after keyed ones.
        Assert.Throws<AuditStoreException>(() => JsonLinesAuditStore.Open(Trail));
    }

    [Fact]
    public async Task Keys_bind_from_configuration_and_bad_keys_are_named()
    {
        var secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var path = System.Text.Json.JsonSerializer.Serialize(Trail);
        var json = $$$"""{"Audit": {"Path": {{{path}}}, "ActiveKeyId": "k1", "Keys": [{"Id": "k1", "Secret": "{{{secret}}}"}]}}""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = new JsonLinesAuditStoreOptions();
        configuration.GetSection("Audit").Bind(options);

        await using (var store = JsonLinesAuditStore.Open(options))
        {
            Assert.Equal("k1", (await store.AppendAsync(AuditSamples.Simple("c"))).KeyId);
        }

        Assert.True(JsonLinesAuditStore.VerifyFile(Trail, Ring).IsIntact, "the bound key is the same key");

        var shortKey = new JsonLinesAuditStoreOptions { Path = _dir.File("other.jsonl") };
        shortKey.Keys.Add(new AuditKeyOptions { Id = "k9", Secret = Convert.ToBase64String(new byte[8]) });
        var ex = Assert.Throws<ArgumentException>(() => JsonLinesAuditStore.Open(shortKey));
        Assert.Contains("JsonLinesAuditStoreOptions.Keys[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'k9' is 8 bytes", ex.Message, StringComparison.Ordinal);

        var unknownActive = new JsonLinesAuditStoreOptions { Path = _dir.File("other.jsonl"), ActiveKeyId = "nope" };
        unknownActive.Keys.Add(new AuditKeyOptions { Id = "k1", Secret = secret });
        Assert.Contains("ActiveKeyId is 'nope'", Assert.Throws<ArgumentException>(() => JsonLinesAuditStore.Open(unknownActive)).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_in_memory_store_keys_its_chain_too()
    {
        var store = new InMemoryAuditStore(Ring);
        var record = await store.AppendAsync(AuditSamples.Simple("c"));
        Assert.Equal("k1", record.KeyId);
        Assert.Equal(AuditChain.ComputeMac(1, AuditChain.GenesisHash, record.Entry, K1), record.Hash);
        Assert.NotEqual(AuditChain.ComputeHash(1, AuditChain.GenesisHash, record.Entry), record.Hash);
        Assert.True((await store.VerifyAsync()).IsIntact);
        Assert.True((await AuditChain.VerifyAsync(store.ReadAsync(), Ring)).IsIntact);
        Assert.False((await AuditChain.VerifyAsync(store.ReadAsync(), new AuditKeyRing(Forged))).IsIntact);
        var checkpoint = store.CreateCheckpoint(AuditSamples.Start);
        Assert.Equal(1, checkpoint.Sequence);
        Assert.True((await AuditChain.VerifyAsync(store.ReadAsync(), Ring, checkpoint)).CheckpointMatched);
    }

    [Fact]
    public void A_checkpoint_that_is_not_one_is_refused_naming_the_field()
    {
        Assert.Contains("'sequence'", Assert.Throws<FormatException>(() => AuditCheckpoint.Parse("""{"sequence": -1, "hash": "x", "at": "y"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("'hash'", Assert.Throws<FormatException>(() => AuditCheckpoint.Parse("""{"sequence": 1, "hash": "x", "at": "y"}""")).Message, StringComparison.Ordinal);
        Assert.Contains("unknown field 'extra'", Assert.Throws<FormatException>(() => AuditCheckpoint.Parse("""{"extra": 1}""")).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<FormatException>(() => AuditCheckpoint.Parse("{")).Message, StringComparison.Ordinal);
        Assert.Equal("AuditKey(k1)", K1.ToString());
    }

    private async Task<List<AuditRecord>> WriteKeyedAsync(AuditKeyRing keys, int count)
    {
        var records = new List<AuditRecord>();
        await using var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Trail, KeyRing = keys });
        for (var i = 0; i < count; i++)
        {
            records.Add(await store.AppendAsync(AuditSamples.Simple("case-" + i, i)));
        }

        return records;
    }

    private async Task WriteUnkeyedAsync(int count)
    {
        await using var store = JsonLinesAuditStore.Open(Trail);
        for (var i = 0; i < count; i++)
        {
            await store.AppendAsync(AuditSamples.Simple("case-" + i, i));
        }
    }

    /// <summary>What an attacker with write access to the file does: edits record <paramref name="from"/> and recomputes the chain from there.</summary>
    private void RewriteFrom(int from, AuditKey? key, bool stripKeyId)
    {
        var lines = File.ReadAllLines(Trail);
        var previous = from == 1 ? AuditChain.GenesisHash : AuditJsonLineHash(lines[from - 2]);
        for (var i = from - 1; i < lines.Length; i++)
        {
            Assert.True(AuditJsonLine.TryParse(Encoding.UTF8.GetBytes(lines[i]), checkCanonical: false, out var parsed, out _));
            var entry = i == from - 1 ? parsed.Record.Entry with { Actor = "mallory" } : parsed.Record.Entry;
            var entryJson = AuditChain.SerializeEntry(entry);
            var keyId = stripKeyId ? null : key?.Id ?? parsed.Record.KeyId;
            var hash = AuditChain.ComputeHash(i + 1, previous, keyId is null ? null : key, entryJson);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            AuditJsonLine.Write(buffer, i + 1, previous, keyId, hash, entryJson);
            lines[i] = Encoding.UTF8.GetString(buffer.WrittenSpan[..^1]);
            previous = hash;
        }

        File.WriteAllLines(Trail, lines);
    }

    private static string AuditJsonLineHash(string line)
    {
        Assert.True(AuditJsonLine.TryParse(Encoding.UTF8.GetBytes(line), checkCanonical: false, out var parsed, out _));
        return parsed.Record.Hash;
    }
}
