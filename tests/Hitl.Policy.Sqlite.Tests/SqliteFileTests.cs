using System.Security.Cryptography;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using static Hitl.Policy.CaseStoreContract.Samples;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>The file: what survives a reopen, and which files are refused, leaving them as they were.</summary>
public sealed class SqliteFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string Db => _directory.File("hitl.db");

    private string ConnectionString => "Data Source=" + Db;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Reopening_keeps_the_cases_and_continues_the_trail()
    {
        CaseRecord v2;
        string lastHash;
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            var v1 = (await store.CommitAsync(Create(Case("c-1")))).Case;
            v2 = (await store.CommitAsync(Update(v1))).Case;
            var other = await store.CommitAsync(Create(Case("c-2")));
            lastHash = other.Records[^1].Hash;
        }

        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            Assert.Equal(JsonOf(v2), JsonOf(await store.GetAsync("c-1")));
            Assert.Equal(2, (await store.QueryAsync(new CaseQuery())).Cases.Count);
            var v3 = await store.CommitAsync(Update(v2));
            Assert.Equal(3, v3.Case.Version);
            Assert.Equal(4, v3.Records.Single().Sequence);
            Assert.Equal(lastHash, v3.Records.Single().PreviousHash);
            var check = await store.Audit.VerifyAsync();
            Assert.True(check.IsIntact, check.Problem);
            Assert.Equal(4, check.RecordCount);
            var checkpoint = store.CreateCheckpoint(Start);
            Assert.Equal(4, checkpoint.Sequence);
            Assert.Equal(v3.Records.Single().Hash, checkpoint.Hash);
        }
    }

    [Fact]
    public async Task The_directory_of_the_file_is_created_and_the_schema_is_marked()
    {
        var nested = _directory.File(Path.Combine("a", "b", "hitl.db"));
        await using (var store = SqliteCaseStore.Open("Data Source=" + nested))
        {
            Assert.Equal(Path.GetFullPath(nested), store.Path);
            await store.CommitAsync(Create(Case("c")));
        }

        using var raw = RawSqlite.Connect(nested);
        Assert.Equal(SqliteCaseStore.SchemaVersion, RawSqlite.Long(raw, "PRAGMA user_version"));
        Assert.Equal(0x48544C50, RawSqlite.Long(raw, "PRAGMA application_id"));
        using var mode = new Microsoft.Data.Sqlite.SqliteCommand("PRAGMA journal_mode", raw);
        Assert.Equal("wal", (string)mode.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_commit_whose_second_entry_is_not_valid_writes_neither_entry_nor_the_case()
    {
        await using var store = SqliteCaseStore.Open(ConnectionString);
        var v1 = (await store.CommitAsync(Create(Case("c")))).Case;
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await store.CommitAsync(Update(v1, entries: [Entry("c"), Entry("c") with { Reason = "unpaired \ud800 surrogate" }])));
        Assert.Contains("Reason", ex.Message, StringComparison.Ordinal);
        Assert.Equal(JsonOf(v1), JsonOf(await store.GetAsync("c")));
        Assert.Single(await TrailAsync(store.Audit));
        Assert.Equal(2, (await store.CommitAsync(Update(v1))).Records.Single().Sequence);
    }

    [Fact]
    public async Task A_queue_in_deadline_order_is_read_from_an_index_and_older_files_get_it_as_they_open()
    {
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        const string Queue = "EXPLAIN QUERY PLAN SELECT version, doc FROM cases WHERE state IN ('Pending') ORDER BY " + SqliteSchema.DeadlineKey + ", id LIMIT 26";
        Assert.Contains("cases_by_state_deadline", Plan(Queue), StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", Plan(Queue), StringComparison.Ordinal);

        RawSqlite.Execute(Db, "DROP INDEX cases_by_state_deadline"); // a file as the first version of this store wrote it
        Assert.Contains("TEMP B-TREE", Plan(Queue), StringComparison.Ordinal);
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            Assert.NotNull(await store.GetAsync("c"));
        }

        Assert.DoesNotContain("TEMP B-TREE", Plan(Queue), StringComparison.Ordinal);
    }

    private string Plan(string sql)
    {
        using var connection = RawSqlite.Connect(Db);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var plan = new System.Text.StringBuilder();
        while (reader.Read())
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }

    [Fact]
    public async Task The_trail_is_append_only_even_to_plain_sql()
    {
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        var update = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => RawSqlite.Execute(Db, "UPDATE audit SET line = 'x'"));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => RawSqlite.Execute(Db, "DELETE FROM audit"));
    }

    [Fact]
    public async Task A_file_of_a_newer_schema_is_refused_and_left_as_it_was()
    {
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        RawSqlite.Execute(Db, "PRAGMA user_version = 7");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Hash(Db);
        var ex = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString));
        Assert.Contains(Db, ex.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("version 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Hash(Db));
        Assert.Throws<CaseStoreException>(() => SqliteCaseStore.OpenReadOnly(Db));
        Assert.Equal(before, Hash(Db));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_refused_and_left_as_it_was()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(Db, garbage);
        var ex = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString));
        Assert.Contains(Db, ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not a Hitl.Policy database or is corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, File.ReadAllBytes(Db));
        Assert.False(File.Exists(Db + "-wal"));

        File.WriteAllText(Db, "{\"sequence\":1}\n");
        Assert.Contains("is not a Hitl.Policy database or is corrupt", Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString)).Message, StringComparison.Ordinal);
        Assert.Equal("{\"sequence\":1}\n", File.ReadAllText(Db));
    }

    [Fact]
    public void A_sqlite_file_of_another_application_or_a_damaged_one_is_refused()
    {
        RawSqlite.Execute(Db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (1)");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Hash(Db);
        var ex = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString));
        Assert.Contains(Db, ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not a Hitl.Policy database or is corrupt", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Hash(Db));

        // A store file with its pages overwritten past the header.
        var damaged = _directory.File("damaged.db");
        using (var store = SqliteCaseStore.Open("Data Source=" + damaged))
        {
        }

        var bytes = File.ReadAllBytes(damaged);
        for (var i = 100; i < bytes.Length; i++)
        {
            bytes[i] = 0xEE;
        }

        File.WriteAllBytes(damaged, bytes);
        var broken = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open("Data Source=" + damaged));
        Assert.Contains(damaged, broken.Message, StringComparison.Ordinal);
        Assert.Contains("is not a Hitl.Policy database or is corrupt", broken.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(damaged));
    }

    [Fact]
    public async Task A_read_only_file_is_refused_at_open()
    {
        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Hash(Db);
        using (RawSqlite.MakeReadOnly(Db))
        {
            var ex = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString));
            Assert.Contains(Db, ex.Message, StringComparison.Ordinal);
            Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);

            // Reading it is fine.
            await using var reader = SqliteCaseStore.OpenReadOnly(Db);
            Assert.NotNull(await reader.GetAsync("c"));
        }

        Assert.Equal(before, Hash(Db));
    }

    [Fact]
    public async Task A_locked_file_is_refused_naming_it_and_nothing_is_written()
    {
        var fast = new SqliteCaseStoreOptions { BusyTimeout = TimeSpan.FromMilliseconds(100) };
        await using var store = SqliteCaseStore.Open(ConnectionString, fast);
        var v1 = (await store.CommitAsync(Create(Case("c")))).Case;

        using (var holder = RawSqlite.Connect(Db))
        {
            RawSqlite.Execute(holder, "BEGIN EXCLUSIVE");
            var commit = await Assert.ThrowsAsync<CaseStoreException>(async () => await store.CommitAsync(Update(v1)));
            Assert.Contains(Db, commit.Message, StringComparison.Ordinal);
            Assert.Contains("is locked", commit.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was written", commit.Message, StringComparison.Ordinal);

            var open = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString, fast));
            Assert.Contains(Db, open.Message, StringComparison.Ordinal);
            Assert.Contains("is locked", open.Message, StringComparison.Ordinal);

            var append = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.Audit.AppendAsync(Entry("other")));
            Assert.Contains("is locked", append.Message, StringComparison.Ordinal);
            RawSqlite.Execute(holder, "ROLLBACK");
        }

        Assert.Equal(JsonOf(v1), JsonOf(await store.GetAsync("c")));
        Assert.Single(await TrailAsync(store.Audit));

        // Once the lock is gone the store goes on, with no gap in the trail.
        var v2 = await store.CommitAsync(Update(v1));
        Assert.Equal(2, v2.Records.Single().Sequence);
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task The_read_only_opener_reads_and_never_writes_or_creates()
    {
        var missing = _directory.File("missing.db");
        var none = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.OpenReadOnly(missing));
        Assert.Contains(missing, none.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", none.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));

        await using (var store = SqliteCaseStore.Open(ConnectionString))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = Hash(Db);
        await using (var reader = SqliteCaseStore.OpenReadOnly(Db))
        {
            Assert.True(reader.IsReadOnly);
            var read = await reader.GetAsync("c");
            Assert.NotNull(read);
            Assert.Single((await reader.QueryAsync(new CaseQuery())).Cases);
            Assert.True((await reader.Audit.VerifyAsync()).IsIntact);
            var refused = await Assert.ThrowsAsync<CaseStoreException>(async () => await reader.CommitAsync(Update(read!)));
            Assert.Contains("read-only", refused.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<AuditStoreException>(async () => await reader.Audit.AppendAsync(Entry("x")));
        }

        Assert.Equal(before, Hash(Db));
    }

    [Fact]
    public async Task The_exported_trail_is_the_json_lines_file_the_file_store_would_write()
    {
        var ring = new AuditKeyRing(K1);
        await using (var store = SqliteCaseStore.Open(ConnectionString, new SqliteCaseStoreOptions { Keys = ring }))
        {
            var v1 = (await store.CommitAsync(Create(Case("c"), Entry("c", ActKind.Decided), Entry("c", ActKind.Held)))).Case;
            await store.CommitAsync(Update(v1));
            await store.Audit.AppendAsync(Entry("policy", ActKind.PolicyActivated));
        }

        var exported = _directory.File("export.jsonl");
        await using (var writer = new StreamWriter(exported))
        {
            Assert.Equal(4, await SqliteCaseStore.ExportAuditLinesAsync(Db, writer));
        }

        var check = JsonLinesAuditStore.VerifyFile(exported, ring);
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(4, check.RecordCount);
        Assert.False(JsonLinesAuditStore.VerifyFile(exported, new AuditKeyRing(Forged)).IsIntact);

        // The same entries through the file store give the same bytes.
        var file = _directory.File("file-store.jsonl");
        await using (var trail = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = file, KeyRing = ring }))
        await using (var source = SqliteCaseStore.OpenReadOnly(Db, ring))
        {
            await foreach (var record in source.Audit.ReadAsync())
            {
                await trail.AppendAsync(record.Entry);
            }
        }

        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(exported));
    }

    [Fact]
    public async Task A_keyed_file_is_not_continued_without_keys_nor_an_unkeyed_one_with_them()
    {
        await using (var store = SqliteCaseStore.Open(ConnectionString, new SqliteCaseStoreOptions { Keys = new AuditKeyRing(K1) }))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        var plain = Assert.Throws<CaseStoreException>(() => SqliteCaseStore.Open(ConnectionString));
        Assert.Contains("keyed", plain.Message, StringComparison.Ordinal);
        Assert.Contains(Db, plain.Message, StringComparison.Ordinal);

        var unkeyed = _directory.File("unkeyed.db");
        await using (var store = SqliteCaseStore.Open("Data Source=" + unkeyed))
        {
            await store.CommitAsync(Create(Case("c")));
        }

        Assert.Contains("AllowUnkeyedRecords", Assert.Throws<CaseStoreException>(() =>
            SqliteCaseStore.Open("Data Source=" + unkeyed, new SqliteCaseStoreOptions { Keys = new AuditKeyRing(K1) })).Message, StringComparison.Ordinal);
        await using var continued = SqliteCaseStore.Open("Data Source=" + unkeyed, new SqliteCaseStoreOptions { Keys = new AuditKeyRing(K1) { AllowUnkeyedRecords = true } });
        await continued.CommitAsync(Create(Case("d")));
        Assert.True((await continued.Audit.VerifyAsync()).IsIntact);
    }

    [Theory]
    [InlineData("", "ConnectionString")]
    [InlineData("Data Source=:memory:", "names no database file")]
    [InlineData("Mode=Memory;Data Source=x", "names no database file")]
    [InlineData("Data Source=x.db;Mode=ReadOnly", "Mode=ReadOnly")]
    [InlineData("Data Source=x.db;Bogus Keyword=1", "is not a SQLite connection string")]
    public void A_connection_string_that_names_no_file_is_refused(string connectionString, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => SqliteCaseStore.Open(connectionString));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("SqliteCaseStoreOptions.ConnectionString", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_that_are_not_valid_are_refused_naming_the_option_and_the_value()
    {
        var busy = Assert.ThrowsAny<ArgumentException>(() => SqliteCaseStore.Open(ConnectionString, new SqliteCaseStoreOptions { BusyTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("SqliteCaseStoreOptions.BusyTimeout", busy.Message, StringComparison.Ordinal);
        Assert.Contains("-00:00:01", busy.Message, StringComparison.Ordinal);
        var group = Assert.ThrowsAny<ArgumentException>(() => SqliteCaseStore.Open(ConnectionString, new SqliteCaseStoreOptions { MaxGroupSize = 0 }));
        Assert.Contains("SqliteCaseStoreOptions.MaxGroupSize", group.Message, StringComparison.Ordinal);
        Assert.Contains("found 0", group.Message, StringComparison.Ordinal);
        var sync = Assert.ThrowsAny<ArgumentException>(() => SqliteCaseStore.Open(ConnectionString, new SqliteCaseStoreOptions { Synchronous = (SqliteSynchronous)9 }));
        Assert.Contains("SqliteCaseStoreOptions.Synchronous: 9", sync.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task A_disposed_store_refuses_work()
    {
        var store = SqliteCaseStore.Open(ConnectionString);
        await store.CommitAsync(Create(Case("c")));
        await store.DisposeAsync();
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("c"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.CommitAsync(Create(Case("d"))));
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
