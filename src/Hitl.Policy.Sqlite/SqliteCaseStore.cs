using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.Sqlite;

/// <summary>
/// The case store in one SQLite file: the cases and their audit trail, committed together. A change to a case and the
/// records that explain it are one transaction; versions refuse lost updates; the trail is the same hash chain, line for
/// line, as a <see cref="JsonLinesAuditStore"/> writes, so it verifies and exports the same way.
/// </summary>
/// <remarks>
/// <para><b>The file.</b> On open the store sets <c>PRAGMA journal_mode = WAL</c> (readers never wait for the writer,
/// and a crash never leaves a half-written transaction), <c>PRAGMA synchronous</c> as
/// <see cref="SqliteCaseStoreOptions.Synchronous"/> says (<c>FULL</c> by default: every commit is flushed to disk before
/// it returns), <c>PRAGMA busy_timeout</c> (<see cref="SqliteCaseStoreOptions.BusyTimeout"/>: how long a write waits
/// for another connection's) and <c>PRAGMA foreign_keys = ON</c>. The schema is created on first open and marked with
/// <c>PRAGMA application_id</c> (<c>0x48544C50</c>, "HTLP") and <c>PRAGMA user_version</c> (the schema version,
/// <see cref="SchemaVersion"/>). A file of a newer schema version, another application's database, a damaged file, a
/// read-only file and a file that stays locked are refused at open with <see cref="CaseStoreException"/> naming the
/// file, and nothing is written to it.</para>
/// <para><b>Commits.</b> <see cref="CommitAsync"/> runs in one <c>BEGIN IMMEDIATE</c> transaction: it checks the case's
/// version, reads the trail's head (last sequence number and hash) inside the transaction, seals each entry onto the
/// chain with the active key, inserts the records and writes (or, for a purge, deletes) the case. A single writer loop
/// takes the commits in order; with <see cref="SqliteCaseStoreOptions.GroupCommit"/> commits that wait together share
/// one transaction; a commit that conflicts or is not valid fails alone, before it writes anything, and the others commit.
/// If the transaction itself cannot commit, every commit of the group fails with <see cref="CaseStoreException"/> and
/// none is written.</para>
/// <para><b>Several stores, one file.</b> Stores in one process or in several may open the same file: SQLite's write
/// lock makes their transactions take turns, and because each reads the head inside its transaction they append to
/// one chain without gaps or forks, while versions keep them from overwriting each other's changes.</para>
/// <para><b>Reads</b> (<see cref="GetAsync"/>, <see cref="QueryAsync"/>, <see cref="CountAsync"/>, <see cref="Audit"/>'s
/// <see cref="IAuditStore.ReadAsync"/>) use pooled connections of their own and see the last committed state.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var store = SqliteCaseStore.Open("Data Source=hitl-data/hitl.db");
/// var stored = await store.CommitAsync(new CaseCommit { Case = opened, Entries = [decided] });
/// var check = await store.Audit.VerifyAsync();
/// </code>
/// </example>
public sealed partial class SqliteCaseStore : ICaseStore, ICaseCounts, IAsyncDisposable, IDisposable
{
    /// <summary>The schema version this version of the package writes (<c>PRAGMA user_version</c>).</summary>
    public const int SchemaVersion = SqliteSchema.Version;

    private const int ReadChunk = 512;

    private readonly string _readConnectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly AuditKeyRing? _keys;
    private readonly int _maxGroup;
    private readonly SqliteConnection? _writer;
    private readonly Channel<Pending>? _queue;
    private readonly Task _writeLoop = Task.CompletedTask;
    private int _disposed;

    /// <summary>
    /// Opens (or creates) the store the options name: the constructor a dependency injection container calls
    /// (<c>UseSqlite(...)</c> registers it). The file is opened when the container first makes the store.
    /// </summary>
    /// <param name="options">The file and how to write it.</param>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="CaseStoreException">The file cannot be used: locked, read-only, of a newer schema version, not a case store, or damaged (the message names the file).</exception>
    public SqliteCaseStore(IOptions<SqliteCaseStoreOptions> options)
        : this(Checked(options), readOnly: false)
    {
    }

    private SqliteCaseStore(SqliteCaseStoreOptions options, bool readOnly)
    {
        _busyTimeout = options.BusyTimeout;
        _keys = options.Keys;
        _maxGroup = options.GroupCommit ? options.MaxGroupSize : 1;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        Path = System.IO.Path.GetFullPath(builder.DataSource);
        IsReadOnly = readOnly;
        builder.DataSource = Path;
        builder.DefaultTimeout = (int)Math.Max(1, Math.Ceiling(options.BusyTimeout.TotalSeconds));
        builder.ForeignKeys = true;
        builder.Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        _readConnectionString = builder.ToString();
        var encrypted = !string.IsNullOrEmpty(builder.Password);
        if (readOnly)
        {
            if (!File.Exists(Path))
            {
                throw new CaseStoreException($"The case store '{Path}' does not exist. Nothing was created; check the path.");
            }

            CheckHeader(Path, encrypted);
            Inspect(emptyIsError: true);
            Audit = new SqliteAuditTrail(this);
            return;
        }

        try
        {
            if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaseStoreException($"The case store '{Path}' cannot be created: its directory cannot be made ({ex.Message}). Nothing was written.", ex);
        }

        CheckHeader(Path, encrypted);
        if (File.Exists(Path) && new FileInfo(Path).Length > 0)
        {
            // Looked at through a read-only connection first: a file this code must not use is left exactly as it was.
            Inspect(emptyIsError: false);
        }

        builder.Pooling = false;
        _writer = OpenWriter(builder.ToString(), options);
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        Audit = new SqliteAuditTrail(this);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>Whether the store was opened with <see cref="OpenReadOnly(string, AuditKeyRing?)"/>: it reads and never writes.</summary>
    public bool IsReadOnly { get; }

    /// <summary>The key id new records are signed with; <see langword="null"/> for an unkeyed trail.</summary>
    public string? ActiveKeyId => _keys?.Active.Id;

    /// <inheritdoc />
    /// <remarks>
    /// The trail in the same file. <see cref="IAuditStore.AppendAsync"/> goes through the store's writer in a transaction
    /// (or a group's) and throws <see cref="AuditStoreException"/> when it cannot be written;
    /// <see cref="IAuditStore.ReadAsync"/> reads the stored lines in order; <see cref="IAuditStore.VerifyAsync"/> checks
    /// the chain with the store's keys.
    /// </remarks>
    public IAuditStore Audit { get; }

    /// <summary>Opens (or creates) the store on a database file.</summary>
    /// <param name="connectionString">The connection string, for example <c>Data Source=hitl-data/hitl.db</c>; it replaces the options' <see cref="SqliteCaseStoreOptions.ConnectionString"/>.</param>
    /// <param name="options">How to write; the defaults when omitted.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The connection string or an option is not valid (the message names it and its value).</exception>
    /// <exception cref="CaseStoreException">The file cannot be used: locked, read-only, of a newer schema version, not a case store, or damaged (the message names the file).</exception>
    public static SqliteCaseStore Open(string connectionString, SqliteCaseStoreOptions? options = null)
    {
        var settings = options?.Clone() ?? new SqliteCaseStoreOptions();
        settings.ConnectionString = connectionString;
        settings.Validate();
        return new SqliteCaseStore(settings, readOnly: false);
    }

    /// <summary>
    /// Opens a store file to read it only (a CLI's list, export and verify): the connection is read-only
    /// (<c>Mode=ReadOnly</c>), commits and appends are refused, and a missing file is an error, never created.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="keys">The keys that verify a keyed trail; <see langword="null"/> checks links and plain hashes only.</param>
    /// <returns>The store.</returns>
    /// <exception cref="CaseStoreException">The file does not exist, or is not a case store this version reads (the message names the file).</exception>
    public static SqliteCaseStore OpenReadOnly(string path, AuditKeyRing? keys = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = path };
        return new SqliteCaseStore(new SqliteCaseStoreOptions { ConnectionString = builder.ToString(), Keys = keys }, readOnly: true);
    }

    /// <summary>
    /// Writes a store file's audit trail as JSON Lines: each stored line, in order, followed by a line feed. The result is
    /// byte for byte the file a <see cref="JsonLinesAuditStore"/> would have written, so <c>hitl audit verify</c> and
    /// <see cref="JsonLinesAuditStore.VerifyFile(string)"/> check it. The file is opened read-only.
    /// </summary>
    /// <param name="path">The database file.</param>
    /// <param name="writer">Where the lines go.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of lines written.</returns>
    /// <exception cref="CaseStoreException">The file does not exist or is not a case store.</exception>
    public static async Task<long> ExportAuditLinesAsync(string path, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        await using var store = OpenReadOnly(path);
        return await store.ExportAuditLinesAsync(writer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the audit trail as JSON Lines, as the static <see cref="ExportAuditLinesAsync(string, TextWriter, CancellationToken)"/> does.</summary>
    /// <param name="writer">Where the lines go.</param>
    /// <param name="cancellationToken">Cancels the export.</param>
    /// <returns>The number of lines written.</returns>
    /// <exception cref="CaseStoreException">The file cannot be read.</exception>
    public async Task<long> ExportAuditLinesAsync(TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        long count = 0;
        await foreach (var (_, line) in ReadLinesAsync(1, cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync("\n".AsMemory(), cancellationToken).ConfigureAwait(false);
            count++;
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// A checkpoint of the trail's last committed record (read from the file now, so records another store appended
    /// count), signed with the active key of a keyed trail. Write its <see cref="AuditCheckpoint.ToJson"/> somewhere the
    /// store's writer cannot rewrite; verifying against it finds records cut off the end.
    /// </summary>
    /// <param name="at">When (from the host's clock).</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="CaseStoreException">The file cannot be read.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public AuditCheckpoint CreateCheckpoint(DateTimeOffset at)
    {
        ThrowIfDisposed();
        try
        {
            using var connection = OpenRead();
            var head = ReadHead(connection);
            return AuditCheckpoint.Create(head.Sequence, head.Hash, at, _keys);
        }
        catch (Exception ex) when (ex is SqliteException or FormatException or IOException)
        {
            throw SqliteErrors.Map(Path, _busyTimeout, "read the trail's head", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="CaseStoreException">The file cannot be read, or the stored case is not a case (the message names the file and the case).</exception>
    public async ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version, doc FROM cases WHERE id = $id";
            command.Parameters.AddWithValue("$id", caseId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadCase(reader) : null;
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw SqliteErrors.Map(Path, _busyTimeout, $"read the case '{Clip(caseId)}'", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every filter is SQL with parameters, ordered by the order's key (<see cref="CaseCursor.SortKey"/>) and then the case
    /// id compared as SQLite's <c>BINARY</c> collation does: by UTF-8 bytes, which is <see cref="StringComparison.Ordinal"/>
    /// order except between characters above U+FFFF and those from U+E000 to U+FFFF. Paging is keyset paging on that
    /// order, so a walk of the pages never repeats or skips a case that did not change.
    /// </remarks>
    /// <exception cref="ArgumentException">The query is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The file cannot be read.</exception>
    public async ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = OpenRead();
            await using var command = connection.CreateCommand();
            BuildQuery(command, query);
            var cases = new List<CaseRecord>(Math.Min(query.Limit + 1, 128));
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    cases.Add(ReadCase(reader));
                }
            }

            return CaseCursor.Page(query, cases);
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw SqliteErrors.Map(Path, _busyTimeout, "list cases", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One statement: <c>count(*)</c> grouped by state over the rows the query's filters select (the same SQL as
    /// <see cref="QueryAsync"/>'s), so no document is read.
    /// </remarks>
    /// <exception cref="ArgumentException">The query is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The file cannot be read, or a stored case's state is not a state (the message names the file).</exception>
    public async ValueTask<IReadOnlyDictionary<CaseState, long>> CountAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = OpenRead();
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT state, count(*) FROM cases WHERE 1 = 1");
            Filter(sql, command, query);
            command.CommandText = sql.Append(" GROUP BY state").ToString();
            var counts = CaseCursor.ZeroCounts();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    counts[ReadState(reader.GetString(0))] = reader.GetInt64(1);
                }
            }

            return counts;
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw SqliteErrors.Map(Path, _busyTimeout, "count cases", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="CaseStoreException">The file could not be written (locked, read-only, full, an I/O error) or the store is read-only; nothing was written.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public async ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Case);
        ArgumentNullException.ThrowIfNull(commit.Case.Id);
        ArgumentNullException.ThrowIfNull(commit.Entries);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        if (IsReadOnly)
        {
            throw new CaseStoreException($"The case store '{Path}' was opened read-only; the commit of case '{Clip(commit.Case.Id)}' was refused and nothing was written.");
        }

        // The work that does not need the file is done here, on the caller's thread: the writer only checks versions,
        // links the records into the chain and runs the statements.
        var entries = new PreparedAuditEntry[commit.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = AuditChain.Prepare(commit.Entries[i] ?? throw new ArgumentException($"Entry {i} of the commit of case '{Clip(commit.Case.Id)}' is null; nothing was written.", nameof(commit)));
        }

        var stored = commit.Case with { Version = commit.Case.Version + 1 };
        var document = commit.Purge ? null : CaseRecordJson.Serialize(stored);
        return (CaseCommitResult)await EnqueueAsync(new Pending(commit, stored, document, entries), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for queued commits to be written, then closes the file.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue?.Writer.TryComplete();
        await _writeLoop.ConfigureAwait(false);
        Close();
    }

    /// <summary>Waits for queued commits to be written, then closes the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue?.Writer.TryComplete();
        _writeLoop.GetAwaiter().GetResult();
        Close();
    }

    /// <summary>Reads stored lines in order, from a sequence number on, a chunk per query (no read transaction stays open across a yield).</summary>
    internal async IAsyncEnumerable<(long Sequence, string Line)> ReadLinesAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var next = fromSequence;
        while (true)
        {
            var chunk = new List<(long, string)>(ReadChunk);
            try
            {
                await using var connection = OpenRead();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT sequence, line FROM audit WHERE sequence >= $from ORDER BY sequence LIMIT $limit";
                command.Parameters.AddWithValue("$from", next);
                command.Parameters.AddWithValue("$limit", ReadChunk);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    chunk.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                throw SqliteErrors.Map(Path, _busyTimeout, "read the audit trail", writing: false, ex);
            }

            foreach (var row in chunk)
            {
                yield return row;
            }

            if (chunk.Count < ReadChunk)
            {
                yield break;
            }

            next = chunk[^1].Item1 + 1;
        }
    }

    /// <summary>The keys that verify the trail.</summary>
    internal AuditKeyRing? Keys => _keys;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    /// <summary>A case id as it may appear in a message: bounded.</summary>
    internal static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static SqliteCaseStoreOptions Checked(IOptions<SqliteCaseStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = (options.Value ?? throw new ArgumentException("The options have no value.", nameof(options))).Clone();
        settings.Validate();
        return settings;
    }

    /// <summary>Refuses, before SQLite opens it, a non-empty file that does not start with the SQLite header.</summary>
    private static void CheckHeader(string path, bool encrypted)
    {
        if (encrypted || !File.Exists(path))
        {
            return;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            if (file.Length == 0)
            {
                return;
            }

            Span<byte> header = stackalloc byte[16];
            var read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (file.Length < 512 || read < header.Length || !header.SequenceEqual("SQLite format 3\0"u8))
            {
                throw SqliteErrors.NotOurs(path, string.Create(CultureInfo.InvariantCulture, $"it does not start with the SQLite header; {file.Length} bytes"));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaseStoreException($"The case store '{path}' cannot be read ({ex.Message}). Nothing was written.", ex);
        }
    }

    /// <summary>Checks the schema through a read-only connection (which cannot change the file).</summary>
    private void Inspect(bool emptyIsError)
    {
        var builder = new SqliteConnectionStringBuilder(_readConnectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            var kind = SqliteSchema.Inspect(connection, Path);
            if (kind == SqliteSchema.Kind.Empty && emptyIsError)
            {
                throw SqliteErrors.NotOurs(Path, "it is an empty database without the case store's tables");
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            throw SqliteErrors.Map(Path, _busyTimeout, "open it", writing: true, ex);
        }
    }

    /// <summary>Opens the writer's connection: pragmas, the schema (created when the file is new), and a write probe.</summary>
    private SqliteConnection OpenWriter(string connectionString, SqliteCaseStoreOptions options)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(int)Math.Ceiling(options.BusyTimeout.TotalMilliseconds)}"));
            Execute(connection, "PRAGMA foreign_keys = ON");

            // Nothing is written before the schema is known to be ours: a newer or foreign file stays as it was.
            SqliteSchema.Inspect(connection, Path);
            var mode = Scalar(connection, "PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new CaseStoreException($"The case store '{Path}' could not be switched to WAL mode (SQLite kept journal mode '{mode}'): is the file or its directory read-only, or on a file system without shared memory? Nothing was written.");
            }

            Execute(connection, options.Synchronous == SqliteSynchronous.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            Execute(connection, "BEGIN IMMEDIATE");
            try
            {
                if (SqliteSchema.Inspect(connection, Path) == SqliteSchema.Kind.Empty)
                {
                    foreach (var statement in SqliteSchema.Create)
                    {
                        Execute(connection, statement);
                    }

                    Execute(connection, "COMMIT");
                }
                else
                {
                    // The write probe: a read-only file is found here, at open, not at the first commit.
                    Execute(connection, string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {SqliteSchema.Version}"));
                    CheckKeys(ReadHead(connection));
                    if (Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'cases_by_state_deadline'") is 0L)
                    {
                        Execute(connection, SqliteSchema.StateDeadlineIndex);
                        Execute(connection, "COMMIT");
                    }
                    else
                    {
                        Execute(connection, "ROLLBACK");
                    }
                }
            }
            catch
            {
                TryRollback(connection);
                throw;
            }

            return connection;
        }
        catch (Exception ex)
        {
            connection.Dispose();
            if (ex is SqliteException or IOException or FormatException)
            {
                throw SqliteErrors.Map(Path, _busyTimeout, "open it", writing: true, ex);
            }

            throw;
        }
    }

    /// <summary>Refuses to continue a keyed trail without keys, or an unkeyed one with keys that do not allow it.</summary>
    private void CheckKeys(Head head)
    {
        if (head.Sequence == 0)
        {
            return;
        }

        if (_keys is null && head.KeyId is not null)
        {
            throw new CaseStoreException(
                $"The case store '{Path}' has a keyed audit trail (its last record is signed with key '{head.KeyId}'), but the store was opened without keys: give the key ring (SqliteCaseStoreOptions.Keys) to open it. Nothing was written.");
        }

        if (_keys is not null && head.KeyId is null && !_keys.AllowUnkeyedRecords)
        {
            throw new CaseStoreException(
                $"The case store '{Path}' has an unkeyed audit trail, but the store was opened with keys: set AllowUnkeyedRecords on the key ring to continue it with keyed records. Nothing was written.");
        }
    }

    private SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The trail's last record (sequence 0 and the genesis hash when empty), read on the given connection.</summary>
    private Head ReadHead(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, line FROM audit ORDER BY sequence DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return new Head(0, AuditChain.GenesisHash, null);
        }

        var sequence = reader.GetInt64(0);
        AuditRecord record;
        try
        {
            record = AuditChain.ParseLine(reader.GetString(1));
        }
        catch (FormatException ex)
        {
            throw SqliteErrors.NotOurs(Path, string.Create(CultureInfo.InvariantCulture, $"the last audit record, sequence {sequence}, is not a record: {ex.Message}"), ex);
        }

        if (record.Sequence != sequence)
        {
            throw SqliteErrors.NotOurs(Path, string.Create(CultureInfo.InvariantCulture, $"the audit row {sequence} holds the record of sequence {record.Sequence}"));
        }

        return new Head(sequence, record.Hash, record.KeyId);
    }

    private CaseRecord ReadCase(SqliteDataReader reader)
    {
        var version = reader.GetInt64(0);
        var doc = reader.GetString(1);
        try
        {
            return CaseRecordJson.Deserialize(doc) with { Version = version };
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new CaseStoreException(
                string.Create(CultureInfo.InvariantCulture, $"The case store '{Path}' holds a case (version {version}) whose document is not a case record: {ex.Message}"),
                ex);
        }
    }

    /// <summary>A state as the <c>state</c> column holds it (<see cref="CaseState"/>'s name, as written).</summary>
    private CaseState ReadState(string text) =>
        CaseCursor.ParseState(text) ?? throw new CaseStoreException($"The case store '{Path}' holds a case whose state '{Clip(text)}' is not a case state.");

    /// <summary>Writes the query as parameterized SQL: every value the caller gave is a parameter, never text of the statement.</summary>
    private static void BuildQuery(SqliteCommand command, CaseQuery query)
    {
        var key = query.OrderBy == CaseOrder.Deadline ? SqliteSchema.DeadlineKey : "opened_at";
        var sql = new StringBuilder("SELECT version, doc FROM cases WHERE 1 = 1");
        Filter(sql, command, query);
        if (query.After is { } cursor)
        {
            var (afterKey, afterId) = CaseCursor.Parse(query.OrderBy, cursor);
            sql.Append(" AND (").Append(key).Append(" > $after_key OR (").Append(key).Append(" = $after_key AND id > $after_id COLLATE BINARY))");
            command.Parameters.AddWithValue("$after_key", afterKey);
            command.Parameters.AddWithValue("$after_id", afterId);
        }

        sql.Append(" ORDER BY ").Append(key).Append(", id COLLATE BINARY LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// Appends the query's filters (not its order, cursor or limit) as parameterized SQL conditions, each starting
    /// <c> AND</c>: every value the caller gave is a parameter, never text of the statement.
    /// </summary>
    private static void Filter(StringBuilder sql, SqliteCommand command, CaseQuery query)
    {
        if (query.States is { } states)
        {
            AppendIn(sql, command, "state", "$state", [.. states.Distinct().Select(s => s.ToString())]);
        }

        if (query.ActionType is { } actionType)
        {
            sql.Append(" AND action_type = $action_type");
            command.Parameters.AddWithValue("$action_type", actionType);
        }

        if (query.RequiredTiers is { } tiers)
        {
            AppendIn(sql, command, "required_tier", "$tier", [.. tiers.Where(t => t is not null).Distinct(StringComparer.Ordinal)]);
        }

        if (query.NotInvolving is { } person)
        {
            // The document names the person, as the case's JSON writes the string, wherever they approved or decided:
            // where it does not (nearly every case), the approvers and prior deciders are not parsed at all.
            sql.Append(" AND requester IS NOT $not_involving AND subject IS NOT $not_involving")
                .Append(" AND (instr(doc, $not_involving_json) = 0 OR (")
                .Append("NOT EXISTS (SELECT 1 FROM json_each(doc, '$.approvers') WHERE value = $not_involving)")
                .Append(" AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.priorDeciders') WHERE value = $not_involving)))");
            command.Parameters.AddWithValue("$not_involving", person);
            command.Parameters.AddWithValue("$not_involving_json", CaseRecordJson.StringAsWritten(person));
        }

        if (query.Subject is { } subject)
        {
            sql.Append(" AND subject = $subject");
            command.Parameters.AddWithValue("$subject", subject);
        }

        if (query.OpenedFrom is { } from)
        {
            sql.Append(" AND opened_at >= $opened_from");
            command.Parameters.AddWithValue("$opened_from", from.UtcTicks);
        }

        if (query.OpenedBefore is { } before)
        {
            sql.Append(" AND opened_at < $opened_before");
            command.Parameters.AddWithValue("$opened_before", before.UtcTicks);
        }

        if (query.DeadlineBy is { } by)
        {
            sql.Append(" AND deadline_at <= $deadline_by");
            command.Parameters.AddWithValue("$deadline_by", by.UtcTicks);
        }

        if (query.RetentionEndedBy is { } ended)
        {
            sql.Append(" AND is_open = 0 AND legal_hold = 0 AND retain_until <= $retention_ended_by");
            command.Parameters.AddWithValue("$retention_ended_by", ended.UtcTicks);
        }
    }

    private static void AppendIn(StringBuilder sql, SqliteCommand command, string column, string prefix, string[] values)
    {
        if (values.Length == 0)
        {
            sql.Append(" AND 0");
            return;
        }

        sql.Append(" AND ").Append(column).Append(" IN (");
        for (var i = 0; i < values.Length; i++)
        {
            var name = prefix + i.ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? "" : ", ").Append(name);
            command.Parameters.AddWithValue(name, values[i]);
        }

        sql.Append(')');
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void TryRollback(SqliteConnection connection)
    {
        try
        {
            Execute(connection, "ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite rolls back by itself after some errors; then there is no transaction left to end.
        }
    }

    private void Close()
    {
        DisposeCommands();
        using (var pooled = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        // The writer closes last: as the file's last connection it checkpoints the log into the database.
        _writer?.Dispose();
    }

    /// <summary>The trail's last record: its sequence number, hash and key id.</summary>
    private readonly record struct Head(long Sequence, string Hash, string? KeyId);
}
