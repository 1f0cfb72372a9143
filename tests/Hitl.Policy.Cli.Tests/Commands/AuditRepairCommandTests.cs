using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Tests.Audit;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.6: <c>hitl audit repair</c> mends a torn tail through the core's RepairTornTailAsync, records who did
/// it and why, and changes nothing on a trail that has no torn tail or is broken in another way.
/// </summary>
public class AuditRepairCommandTests
{
    private const string TornBytes = "{\"sequence\":23,\"previousHash\":\"ab";

    private static string TornTrail(TempFolder folder)
    {
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        File.AppendAllText(path, TornBytes);
        return path;
    }

    [Fact]
    public void A_torn_tail_is_repaired_the_auditor_and_reason_are_recorded_and_verify_then_passes()
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);
        Assert.Equal(ExitCodes.Failed, Cli.Run("audit", "verify", path).Exit);

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "power loss during deploy");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Contains($"{path}: torn tail at line 23 repaired by 'ops-ana': {TornBytes.Length} torn bytes kept in audit.jsonl.torn-", result.Out, StringComparison.Ordinal);
        Assert.Contains("record 23 records the repair.", result.Out, StringComparison.Ordinal);
        Assert.Contains("The trail verifies again: 23 records, every hash linked.", result.Out, StringComparison.Ordinal);

        var verify = Cli.Run("audit", "verify", path);
        Assert.True(verify.Exit == ExitCodes.Ok, verify.ToString());

        var last = JsonDocument.Parse(File.ReadAllLines(path)[^1]).RootElement;
        var entry = last.GetProperty("entry");
        Assert.Equal(23, last.GetProperty("sequence").GetInt64());
        Assert.Equal("corrected", entry.GetProperty("act").GetString());
        Assert.Equal(JsonLinesAuditStore.RepairCaseId, entry.GetProperty("caseId").GetString());
        Assert.Equal(JsonLinesAuditStore.TornTailRepairedReasonCode, entry.GetProperty("reasonCode").GetString());
        Assert.Equal("ops-ana", entry.GetProperty("actor").GetString());
        Assert.Equal("auditor", entry.GetProperty("actorRole").GetString());
        Assert.Equal("power loss during deploy", entry.GetProperty("reason").GetString());
        Assert.False(entry.TryGetProperty("actorTier", out var tier) && tier.ValueKind != JsonValueKind.Null);

        var copy = Directory.GetFiles(folder.Path, "audit.jsonl.torn-*").Single();
        Assert.Equal(TornBytes, File.ReadAllText(copy));
    }

    [Fact]
    public void A_trail_without_a_torn_tail_is_left_unchanged_and_says_so()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var before = File.ReadAllBytes(path);

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "just in case");

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.Equal($"{path}: intact, 22 records; there is no torn tail to repair. Nothing was changed.", result.Out.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_second_repair_finds_nothing_to_do()
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);
        Assert.Equal(ExitCodes.Ok, Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash").Exit);
        var repaired = File.ReadAllBytes(path);

        var again = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");

        Assert.Equal(ExitCodes.Ok, again.Exit);
        Assert.Contains("intact, 23 records; there is no torn tail to repair. Nothing was changed.", again.Out, StringComparison.Ordinal);
        Assert.Equal(repaired, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("--reason", "crash")]
    [InlineData("--auditor", "ops-ana")]
    public void Without_the_auditor_or_the_reason_it_refuses_and_changes_nothing(string option, string value)
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);
        var before = File.ReadAllBytes(path);

        var result = Cli.Run("audit", "repair", path, option, value);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"Option '{(option == "--reason" ? "--auditor" : "--reason")}' is required.", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(" ", "crash", "error: --auditor is empty; give the id of the person who repairs the trail.")]
    [InlineData("ops-ana", "  ", "error: --reason is empty; give why the trail is repaired.")]
    [InlineData("ops\u001b[2Jana", "crash", "error: --auditor holds a control character at position 4; give it on one line, as plain text.")]
    [InlineData("ops-ana", "line one\nline two", "error: --reason holds a control character at position 9; give it on one line, as plain text.")]
    public void A_blank_or_control_character_auditor_or_reason_is_refused(string auditor, string reason, string expected)
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);
        var before = File.ReadAllBytes(path);

        var result = Cli.Run("audit", "repair", path, "--auditor", auditor, "--reason", reason);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Equal(expected, result.Error.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_reason_longer_than_the_limit_is_refused()
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", new string('x', 5000));

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("--reason is 5000 characters long; it may take at most 2000.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trail_broken_in_another_way_is_not_changed()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteTo(Path.Combine(folder.Path, "audit.jsonl"));
        var lines = File.ReadAllLines(path);
        lines[4] = lines[4].Replace("0.82", "0.92", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        File.AppendAllText(path, TornBytes);
        var before = File.ReadAllBytes(path);

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");

        Assert.Equal(ExitCodes.Failed, result.Exit);
        Assert.StartsWith($"{path}: BROKEN at line 5:", result.Out, StringComparison.Ordinal);
        Assert.Contains("cannot be repaired. Nothing was changed", result.Out, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_missing_trail_is_named_and_not_created()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "none.jsonl");

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"error: The audit trail '{path}' does not exist", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_sqlite_case_store_is_refused()
    {
        using var folder = new TempFolder();
        var path = Trail.Known().WriteToSqlite(Path.Combine(folder.Path, "hitl.db"));

        var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("is a SQLite case store: it writes each record in a transaction, so it has no torn tail to repair.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trail_open_in_a_running_store_is_not_touched()
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);
        var before = File.ReadAllBytes(path);

        await using (JsonLinesAuditStore.Open(path))
        {
            var result = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");

            Assert.Equal(ExitCodes.Usage, result.Exit);
            Assert.Contains($"error: Cannot open the audit trail '{path}' to repair it:", result.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was changed.", result.Error, StringComparison.Ordinal);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task A_keyed_trail_needs_its_keys_and_the_repair_record_is_signed_with_them()
    {
        using var folder = new TempFolder();
        var secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var path = Path.Combine(folder.Path, "audit.jsonl");
        await using (var store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = path, KeyRing = new AuditKeyRing(new AuditKey("k1", secret)) }))
        {
            await store.AppendAsync(new AuditEntry { Act = ActKind.Approved, CaseId = "c1", At = Trail.Start, Actor = "ana" });
        }

        File.AppendAllText(path, TornBytes);
        var keys = folder.Write("keys.json", $$"""{"keys": [{"id": "k1", "secret": "{{Convert.ToBase64String(secret)}}"}]}""");

        var withoutKeys = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash");
        Assert.Equal(ExitCodes.Usage, withoutKeys.Exit);
        Assert.Contains("is keyed: give its keys (--key-file)", withoutKeys.Error, StringComparison.Ordinal);

        var repaired = Cli.Run("audit", "repair", path, "--auditor", "ops-ana", "--reason", "crash", "--key-file", keys);
        Assert.True(repaired.Exit == ExitCodes.Ok, repaired.ToString());
        var verify = Cli.Run("audit", "verify", path, "--key-file", keys);
        Assert.True(verify.Exit == ExitCodes.Ok, verify.ToString());
        Assert.Contains("Every MAC checked (2 keyed records).", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_names_the_repair_command_for_a_torn_tail()
    {
        using var folder = new TempFolder();
        var path = TornTrail(folder);

        var result = Cli.Run("audit", "verify", path);

        Assert.Contains($"'hitl audit repair {path} --auditor ID --reason TEXT'", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_line_of_the_exit_code_table_belongs_to_a_command()
    {
        Assert.Equal(ExitCodeHelpTests.Commands().Order(StringComparer.Ordinal), Hitl.Policy.Cli.Commands.HelpText.Exits.Keys.Order(StringComparer.Ordinal));
    }
}
