using System.Text.Json;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>Issue 10, item 9: <c>hitl audit verify</c> checks MACs with the trail's keys and truncation against a checkpoint.</summary>
public class AuditVerifyKeyedTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task A_keyed_trail_verifies_with_its_key_file_and_says_when_macs_were_not_checked()
    {
        using var folder = new TempFolder();
        var (trail, keys, _) = await WriteAsync(folder, 4);

        var withKeys = Cli.Run("audit", "verify", trail, "--key-file", keys);
        Assert.True(withKeys.Exit == ExitCodes.Ok, withKeys.ToString());
        Assert.Contains("Every MAC checked (4 keyed records).", withKeys.Out, StringComparison.Ordinal);

        var withoutKeys = Cli.Run("audit", "verify", trail, "--format", "json");
        var json = JsonDocument.Parse(withoutKeys.Out).RootElement;
        Assert.False(json.GetProperty("macsChecked").GetBoolean());
        Assert.Equal(4, json.GetProperty("uncheckedMacs").GetInt64());
        Assert.Contains("Only the links of 4 keyed records were checked", Cli.Run("audit", "verify", trail).Out, StringComparison.Ordinal);

        var inline = Cli.Run("audit", "verify", trail, "--key", "k1=" + Convert.ToBase64String(Secret));
        Assert.True(inline.Exit == ExitCodes.Ok, inline.ToString());
    }

    [Fact]
    public async Task A_record_changed_without_the_key_fails_and_the_output_names_it_and_why()
    {
        using var folder = new TempFolder();
        var (trail, keys, _) = await WriteAsync(folder, 4);
        var lines = File.ReadAllLines(trail);
        lines[2] = lines[2].Replace("\"actor\":\"ana\"", "\"actor\":\"bob\"", StringComparison.Ordinal);
        File.WriteAllLines(trail, lines);

        var result = Cli.Run("audit", "verify", trail, "--key-file", keys, "--format", "json");
        Assert.Equal(ExitCodes.Failed, result.Exit);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(3, json.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Contains("does not match the record's content under key 'k1'", json.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_cut_off_the_end_are_found_with_the_checkpoint()
    {
        using var folder = new TempFolder();
        var (trail, keys, checkpoint) = await WriteAsync(folder, 5);
        Assert.Contains("reaches the checkpoint", Cli.Run("audit", "verify", trail, "--key-file", keys, "--checkpoint", checkpoint).Out, StringComparison.Ordinal);

        File.WriteAllLines(trail, File.ReadAllLines(trail)[..3]);
        Assert.Equal(ExitCodes.Ok, Cli.Run("audit", "verify", trail, "--key-file", keys).Exit);

        var result = Cli.Run("audit", "verify", trail, "--key-file", keys, "--checkpoint", checkpoint);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Contains("BROKEN at record 4", result.Out, StringComparison.Ordinal);
        Assert.Contains("2 records were cut off the end", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"keys\": [{\"id\": \"k1\", \"secret\": \"c2hvcnQ=\"}]}", "keys[0]: The secret of audit key 'k1' is 5 bytes")]
    [InlineData("{\"nokeys\": []}", "must be an object with a \"keys\" array")]
    [InlineData("{", "is not valid JSON")]
    public void A_bad_key_file_is_a_usage_error_that_never_shows_a_secret(string content, string expected)
    {
        using var folder = new TempFolder();
        var trail = folder.Write("audit.jsonl", "");
        var keys = folder.Write("keys.json", content);

        var result = Cli.Run("audit", "verify", trail, "--key-file", keys);
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_checkpoint_file_is_a_usage_error_naming_the_field()
    {
        using var folder = new TempFolder();
        var trail = folder.Write("audit.jsonl", "");
        var checkpoint = folder.Write("cp.json", "{\"sequence\": \"five\"}");
        var result = Cli.Run("audit", "verify", trail, "--checkpoint", checkpoint);
        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("'sequence' must be a whole number", result.Error, StringComparison.Ordinal);
    }

    private static async Task<(string Trail, string Keys, string Checkpoint)> WriteAsync(TempFolder folder, int count)
    {
        var trail = Path.Combine(folder.Path, "audit.jsonl");
        var ring = new AuditKeyRing(new AuditKey("k1", Secret));
        string checkpoint;
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = trail, KeyRing = ring }))
        {
            for (var i = 0; i < count; i++)
            {
                await store.AppendAsync(new AuditEntry { Act = ActKind.Approved, CaseId = "c" + i, At = Audit.Trail.Start.AddMinutes(i), Actor = "ana" });
            }

            checkpoint = folder.Write("checkpoint.json", store.CreateCheckpoint().ToJson());
        }

        var keys = folder.Write("keys.json", $$"""{"keys": [{"id": "k1", "secret": "{{Convert.ToBase64String(Secret)}}"}]}""");
        return (trail, keys, checkpoint);
    }
}

/// <summary><c>hitl audit checkpoint</c>: a signed checkpoint of a verified trail, which verify then holds the trail to.</summary>
public class AuditCheckpointCommandTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task A_checkpoint_written_by_the_command_finds_a_later_truncation()
    {
        using var folder = new TempFolder();
        var trail = Path.Combine(folder.Path, "audit.jsonl");
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = trail, KeyRing = new AuditKeyRing(new AuditKey("k1", Secret)) }))
        {
            for (var i = 0; i < 3; i++)
            {
                await store.AppendAsync(new AuditEntry { Act = ActKind.Approved, CaseId = "c" + i, At = Audit.Trail.Start, Actor = "ana" });
            }
        }

        var keys = folder.Write("keys.json", $$"""{"keys": [{"id": "k1", "secret": "{{Convert.ToBase64String(Secret)}}"}]}""");
        var checkpoint = Path.Combine(folder.Path, "cp.json");

        var made = Cli.Run("audit", "checkpoint", trail, "--key-file", keys, "--out", checkpoint);
        Assert.True(made.Exit == ExitCodes.Ok, made.ToString());
        Assert.Contains("at sequence 3, signed with key 'k1'", made.Error, StringComparison.Ordinal);
        Assert.Equal("k1", AuditCheckpoint.Parse(File.ReadAllText(checkpoint)).KeyId);

        File.WriteAllLines(trail, File.ReadAllLines(trail)[..2]);
        var verify = Cli.Run("audit", "verify", trail, "--key-file", keys, "--checkpoint", checkpoint);
        Assert.Equal(ExitCodes.Failed, verify.Exit);
        Assert.Contains("1 record was cut off the end", verify.Out, StringComparison.Ordinal);

        // No checkpoint for a keyed trail without its keys, nor for one that does not verify.
        Assert.Equal(ExitCodes.Failed, Cli.Run("audit", "checkpoint", trail).Exit);
        File.AppendAllText(trail, "{\"sequence\":3}\n{}\n");
        var broken = Cli.Run("audit", "checkpoint", trail, "--key-file", keys);
        Assert.Equal(ExitCodes.Failed, broken.Exit);
        Assert.Contains("does not verify", broken.Error, StringComparison.Ordinal);
    }
}
