using System.Text.Json;
using Hitl.Policy.Cli.Tests.Store;
using Hitl.Policy.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary><c>hitl audit verify|stats|checkpoint|export</c> on the SQLite file of a case store, written by a real gate.</summary>
public sealed class SqliteAuditTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Db(string name = "hitl.db") => Path.Combine(_folder.Path, name);

    /// <summary>The sequence of the one audit record whose line contains the text.</summary>
    private static long SequenceOf(string db, string text)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence FROM audit WHERE instr(line, $text) > 0";
        command.Parameters.AddWithValue("$text", text);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var sequence = reader.GetInt64(0);
        Assert.False(reader.Read());
        return sequence;
    }

    private static long RecordCount(string db)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM audit";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Verify_finds_an_intact_store_by_its_content_whatever_its_name()
    {
        var db = (await StoreFile.WriteAsync(Db("trail.jsonl"))).Path;
        var count = RecordCount(db);
        Assert.True(count >= 10);

        var result = Cli.Run("audit", "verify", db);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
        Assert.StartsWith($"{db}: intact, {count} records, every hash linked.", result.Out, StringComparison.Ordinal);
        var json = JsonDocument.Parse(Cli.Run("audit", "verify", db, "--format", "json").Out).RootElement;
        Assert.Equal("intact", json.GetProperty("status").GetString());
        Assert.Equal(count, json.GetProperty("intactRecords").GetInt64());
    }

    [Fact]
    public async Task A_changed_audit_line_breaks_the_chain_at_its_sequence_without_a_line_number()
    {
        var db = (await StoreFile.WriteAsync(Db())).Path;
        var sequence = SequenceOf(db, "Not this order.");
        StoreFile.Tamper(db, sequence, "Not this order.", "Not this ordeR.");

        var result = Cli.Run("audit", "verify", db);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.StartsWith($"{db}: BROKEN at record {sequence}: sequence {sequence}: the content does not match", result.Out, StringComparison.Ordinal);
        Assert.Contains($"{sequence - 1} intact records before it verify; nothing from record {sequence} on can be trusted.", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("line", result.Out.Split('\n')[0], StringComparison.Ordinal);

        var json = JsonDocument.Parse(Cli.Run("audit", "verify", db, "--format", "json").Out).RootElement;
        Assert.Equal("broken", json.GetProperty("status").GetString());
        Assert.Equal(sequence, json.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("firstBrokenLine").ValueKind);
        Assert.Equal(sequence - 1, json.GetProperty("intactRecords").GetInt64());

        var stats = Cli.Run("audit", "stats", db);
        Assert.Equal(ExitCodes.Failed, stats.Exit);
        Assert.StartsWith($"warning: the audit trail '{db}' is broken at sequence {sequence}:", stats.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_line_that_is_not_a_record_breaks_the_chain_there()
    {
        var db = (await StoreFile.WriteAsync(Db())).Path;
        StoreFile.Tamper(db, 3, "{\"sequence\":3,", "{\"sequence\":3");

        var result = Cli.Run("audit", "verify", db, "--format", "json");

        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(3, json.GetProperty("firstBrokenSequence").GetInt64());
        Assert.Equal(2, json.GetProperty("intactRecords").GetInt64());
        Assert.Contains("is not a record", json.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keyed_store_verifies_with_its_key_file_and_its_export_verifies_with_the_same_keys()
    {
        var db = (await StoreFile.WriteAsync(Db(), keyed: true)).Path;
        var keys = StoreFile.WriteKeyFile(Path.Combine(_folder.Path, "keys.json"));
        var count = RecordCount(db);

        var withKeys = Cli.Run("audit", "verify", db, "--key-file", keys);
        Assert.True(withKeys.Exit == ExitCodes.Ok, withKeys.ToString());
        Assert.Contains($"Every MAC checked ({count} keyed records).", withKeys.Out, StringComparison.Ordinal);
        Assert.Contains($"Only the links of {count} keyed records were checked", Cli.Run("audit", "verify", db).Out, StringComparison.Ordinal);

        var exported = Path.Combine(_folder.Path, "audit.jsonl");
        var export = Cli.Run("audit", "export", db, "--out", exported);
        Assert.True(export.Exit == ExitCodes.Ok, export.ToString());
        Assert.Contains($"{exported}: {count} audit records of '{db}'.", export.Error, StringComparison.Ordinal);
        Assert.Equal(count, File.ReadAllLines(exported).Length);

        var verifyExport = Cli.Run("audit", "verify", exported, "--key-file", keys);
        Assert.True(verifyExport.Exit == ExitCodes.Ok, verifyExport.ToString());
        Assert.Contains($"Every MAC checked ({count} keyed records).", verifyExport.Out, StringComparison.Ordinal);

        // The export to standard output is the same bytes.
        Assert.Equal(File.ReadAllText(exported), Cli.Run("audit", "export", db).Out);

        // A record changed in the store fails under the key, though its plain links may be recomputed by anyone.
        var sequence = SequenceOf(db, "Not this order.");
        StoreFile.Tamper(db, sequence, "Not this order.", "Not this ordeR.");
        var broken = Cli.Run("audit", "verify", db, "--key-file", keys, "--format", "json");
        Assert.Equal(ExitCodes.Failed, broken.Exit);
        Assert.Contains("does not match the record's content under key 'k1'", JsonDocument.Parse(broken.Out).RootElement.GetProperty("problem").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_of_a_store_finds_records_cut_off_the_end()
    {
        var db = (await StoreFile.WriteAsync(Db(), keyed: true)).Path;
        var keys = StoreFile.WriteKeyFile(Path.Combine(_folder.Path, "keys.json"));
        var checkpoint = Path.Combine(_folder.Path, "checkpoint.json");
        var made = Cli.Run("audit", "checkpoint", db, "--key-file", keys, "--out", checkpoint);
        Assert.True(made.Exit == ExitCodes.Ok, made.ToString());
        Assert.Contains("reaches the checkpoint", Cli.Run("audit", "verify", db, "--key-file", keys, "--checkpoint", checkpoint).Out, StringComparison.Ordinal);

        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            connection.Open();
            StoreFile.Execute(connection, "DROP TRIGGER audit_is_append_only_delete");
            StoreFile.Execute(connection, "DELETE FROM audit WHERE sequence = (SELECT max(sequence) FROM audit)");
        }

        Assert.Equal(ExitCodes.Ok, Cli.Run("audit", "verify", db, "--key-file", keys).Exit);
        var result = Cli.Run("audit", "verify", db, "--key-file", keys, "--checkpoint", checkpoint);
        Assert.True(result.Exit == ExitCodes.Failed, result.ToString());
        Assert.Contains("1 record was cut off the end", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_on_a_store_equal_stats_on_its_JSON_Lines_export()
    {
        var db = (await StoreFile.WriteAsync(Db())).Path;
        var exported = Path.Combine(_folder.Path, "audit.jsonl");
        Assert.Equal(ExitCodes.Ok, Cli.Run("audit", "export", db, "--out", exported).Exit);

        var fromStore = Cli.Run("audit", "stats", db, "--format", "json");
        var fromExport = Cli.Run("audit", "stats", exported, "--format", "json");

        Assert.True(fromStore.Exit == ExitCodes.Ok, fromStore.ToString());
        Assert.Equal(fromExport.Out.Replace(JsonEncodedText.Encode(exported).ToString(), "FILE", StringComparison.Ordinal), fromStore.Out.Replace(JsonEncodedText.Encode(db).ToString(), "FILE", StringComparison.Ordinal));
        var json = JsonDocument.Parse(fromStore.Out).RootElement;
        Assert.Equal(StoreFile.Ids.Length, json.GetProperty("cases").GetInt32());
        var outcomes = json.GetProperty("all").GetProperty("outcomes");
        Assert.Equal(2, outcomes.GetProperty("approved").GetInt32());
        Assert.Equal(1, outcomes.GetProperty("rejected").GetInt32());
        Assert.Equal(1, outcomes.GetProperty("escalated").GetInt32());
    }

    [Fact]
    public void A_missing_file_is_a_usage_error_naming_it()
    {
        var missing = Db("missing.db");
        foreach (var args in new[] { new[] { "audit", "verify", missing }, ["audit", "export", missing], ["cases", "list", missing] })
        {
            var result = Cli.Run(args);
            Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
            Assert.Contains($"'{missing}' does not exist", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_SQLite_file_of_another_application_is_a_usage_error_naming_it()
    {
        var other = Db("other.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = other, Pooling = false }.ToString()))
        {
            connection.Open();
            StoreFile.Execute(connection, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
        }

        foreach (var args in new[] { new[] { "audit", "verify", other }, ["audit", "stats", other], ["audit", "export", other], ["cases", "list", other], ["cases", "show", other, "x"] })
        {
            var result = Cli.Run(args);
            Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
            Assert.Contains("is not a Hitl.Policy database", result.Error, StringComparison.Ordinal);
            Assert.Contains(other, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_damaged_file_with_the_SQLite_header_is_a_usage_error_naming_it()
    {
        var damaged = Db("damaged.db");
        var bytes = new byte[8192];
        "SQLite format 3\0"u8.CopyTo(bytes);
        for (var i = 16; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        File.WriteAllBytes(damaged, bytes);

        foreach (var args in new[] { new[] { "audit", "verify", damaged }, ["cases", "list", damaged] })
        {
            var result = Cli.Run(args);
            Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
            Assert.Contains($"'{damaged}'", result.Error, StringComparison.Ordinal);
            Assert.Contains("is not a Hitl.Policy database or is corrupt", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_store_of_a_newer_schema_is_a_usage_error_naming_it_and_is_left_unchanged()
    {
        var db = (await StoreFile.WriteAsync(Db())).Path;
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            connection.Open();
            StoreFile.Execute(connection, "PRAGMA user_version = 99");
        }

        var before = File.ReadAllBytes(db);
        var result = Cli.Run("audit", "verify", db);
        Assert.True(result.Exit == ExitCodes.Usage, result.ToString());
        Assert.Contains($"Cannot read the audit trail '{db}':", result.Error, StringComparison.Ordinal);
        Assert.Contains("schema version 99, newer than the version 1", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(db));
    }

    [Fact]
    public void Audit_export_of_a_JSON_Lines_trail_says_it_needs_a_store()
    {
        var trail = _folder.Write("audit.jsonl", "");

        var result = Cli.Run("audit", "export", trail);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"The case store '{trail}' is not a SQLite file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_export_never_overwrites_a_file()
    {
        var db = (await StoreFile.WriteAsync(Db())).Path;
        var existing = _folder.Write("audit.jsonl", "keep me");

        var result = Cli.Run("audit", "export", db, "--out", existing);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains($"'{existing}' exists already; --out never overwrites a file", result.Error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public async Task Export_pages_through_more_cases_than_one_page_and_writes_each_once()
    {
        var db = Db();
        var count = (2 * Hitl.Policy.Cli.Commands.CasesExportCommand.PageSize) + 1;
        await using (var store = SqliteCaseStore.Open("Data Source=" + db, new SqliteCaseStoreOptions { Synchronous = SqliteSynchronous.Normal }))
        {
            var commits = Enumerable.Range(0, count).Select(i =>
            {
                var id = "case-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
                var at = StoreFile.Start + TimeSpan.FromSeconds(i / 3);
                var record = new Hitl.Policy.Review.CaseRecord
                {
                    Id = id,
                    State = Hitl.Policy.Review.CaseState.Approved,
                    Route = RouteLevel.Review,
                    DecidedRoute = RouteLevel.Review,
                    ActionType = "refund.issue",
                    DecidedBy = "test",
                    Tiers = ["agent"],
                    Payload = "p",
                    PayloadDigest = "d",
                    Subject = i % 2 == 0 ? "even" : "odd",
                    OpenedAt = at,
                    RoundOpenedAt = at,
                };
                var entry = new Hitl.Policy.Audit.AuditEntry { Act = Hitl.Policy.Audit.ActKind.Decided, CaseId = id, At = at, ActionType = "refund.issue", Route = RouteLevel.Review, DecidedBy = "test" };
                return store.CommitAsync(new Hitl.Policy.Review.CaseCommit { Case = record, Entries = [entry] }).AsTask();
            }).ToArray();
            await Task.WhenAll(commits);
        }

        var all = Cli.Run("cases", "export", db, "--all");
        Assert.True(all.Exit == ExitCodes.Ok, all.ToString());
        var ids = all.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("case").GetProperty("id").GetString()!).ToList();
        Assert.Equal(count, ids.Count);
        Assert.Equal(count, ids.Distinct().Count());
        Assert.All(all.OutLines, l => Assert.Equal(1, JsonDocument.Parse(l).RootElement.GetProperty("records").GetArrayLength()));

        var even = Cli.Run("cases", "export", db, "--subject", "even");
        Assert.Equal(Enumerable.Range(0, count).Where(i => i % 2 == 0).Select(i => "case-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)),
            even.OutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("case").GetProperty("id").GetString()!));
    }

    [Fact]
    public void The_CLI_reads_the_case_history_of_the_schema_version_the_store_writes()
    {
        // CaseStoreFile.History reads the audit table of schema version 1 directly; a new schema must update it.
        Assert.Equal(1, SqliteCaseStore.SchemaVersion);
    }
}
