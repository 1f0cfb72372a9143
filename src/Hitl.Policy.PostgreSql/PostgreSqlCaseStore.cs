using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Hitl.Policy.PostgreSql;

/// <summary>
/// The case store on PostgreSQL, shared by every instance of a service: the cases, their audit trail and the kill switch
/// in one database. A change to a case and the records that explain it commit in one transaction; versions refuse lost
/// updates, so a case is decided once whichever instance the act arrives at; the trail is one hash chain, line for line
/// the one a <see cref="JsonLinesAuditStore"/> writes, with no gap and no fork however many instances append.
/// </summary>
/// <remarks>
/// <para><b>The schema.</b> On open the store creates its schema (<see cref="PostgreSqlCaseStoreOptions.Schema"/>) when
/// missing and applies the migrations it lacks, recorded in <c>schema_migrations</c>, in one transaction under an
/// advisory lock (instances that start together make it once). A database whose schema is newer than this package
/// (<see cref="SchemaVersion"/>) is refused with <see cref="CaseStoreException"/>, and nothing is written to it.</para>
/// <para><b>One chain.</b> Every transaction that appends locks the single row of <c>audit_head</c> (the last sequence
/// number and hash) with <c>SELECT ... FOR UPDATE</c>, links its records after it and moves it in the same transaction:
/// appends from every instance take turns on that row, so sequence numbers have no gaps and every record links to the
/// one before. A transaction that fails leaves the head where it was.</para>
/// <para><b>Commits.</b> A single writer loop per store takes the commits in order; with
/// <see cref="PostgreSqlCaseStoreOptions.GroupCommit"/> the commits that wait together share one transaction (two round
/// trips and one flush however many there are). Versions are checked by the writes themselves (an insert that meets the
/// key, an update or delete whose <c>version</c> no longer matches); a commit that conflicts fails alone, before any of
/// its records are written. A failed transaction fails every commit of its group with <see cref="CaseStoreException"/>
/// naming the database and the cause, and the next group opens a fresh connection (reconnects are automatic).</para>
/// <para><b>One queue.</b> <see cref="ClaimAsync"/> leases cases with <c>FOR UPDATE SKIP LOCKED</c>: the sweepers of
/// several instances, and reviewers asking for their next case, take different cases without waiting for each other.</para>
/// <para><b>Changes elsewhere.</b> Every commit notifies (<c>pg_notify</c>, delivered when it commits); with
/// <see cref="PostgreSqlCaseStoreOptions.ListenForChanges"/> the store listens on a connection of its own and tells its
/// gates (<see cref="IStoreChangeFeed"/>), reconnecting with a back-off when the connection drops and then reporting
/// <see cref="StoreChangeKind.Missed"/>. The kill switch's state is a table (<see cref="IKillSwitchStore"/> on
/// <see cref="Audit"/>), written with its record.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var store = PostgreSqlCaseStore.Open("Host=db;Database=app;Username=hitl;Password=...");
/// var gate = new ReviewGateBuilder&lt;LoanContext&gt;(policy).UseCaseStore(store) /* ... */ .Build();
/// </code>
/// </example>
public sealed partial class PostgreSqlCaseStore : ICaseStore, ICaseClaims, ICaseCounts, IStoreChangeFeed, IAsyncDisposable, IDisposable
{
    /// <summary>The newest schema version this version of the package writes (the highest row of <c>schema_migrations</c>).</summary>
    public const int SchemaVersion = PostgreSqlSchema.Version;

    private const int ReadChunk = 512;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private readonly AuditKeyRing? _keys;
    private readonly int _maxGroup;
    private readonly bool _listen;
    private readonly Channel<Pending> _queue;
    private readonly Task _writeLoop;
    private readonly PostgreSqlAuditTrail _audit;
    private int _disposed;

    /// <summary>
    /// Opens the store the options name: the constructor a dependency injection container calls (<c>UsePostgreSql(...)</c>
    /// registers it). It connects, and creates or migrates the schema, when the container first makes the store.
    /// </summary>
    /// <param name="options">The database and how to write it.</param>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be reached, its schema is newer than this package, or it is not a case store (the message names the database).</exception>
    public PostgreSqlCaseStore(IOptions<PostgreSqlCaseStoreOptions> options)
        : this(Checked(options))
    {
    }

    private PostgreSqlCaseStore(PostgreSqlCaseStoreOptions options)
    {
        _schema = options.Schema;
        _keys = options.Keys;
        _maxGroup = options.GroupCommit ? options.MaxGroupSize : 1;
        _listen = options.ListenForChanges;
        _ownsDataSource = options.DataSource is null;
        _dataSource = options.DataSource ?? NpgsqlDataSource.Create(WithAutoPrepare(options.ConnectionString!));
        Name = Describe(_dataSource.ConnectionString, _schema);
        Channel = _schema + "_changes";
        try
        {
            Migrate();
        }
        catch
        {
            if (_ownsDataSource)
            {
                _dataSource.Dispose();
            }

            throw;
        }

        _audit = new PostgreSqlAuditTrail(this);
        _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>The database as messages name it: host, port, database and schema (never the password).</summary>
    public string Name { get; }

    /// <summary>The key id new records are signed with; <see langword="null"/> for an unkeyed trail.</summary>
    public string? ActiveKeyId => _keys?.Active.Id;

    /// <inheritdoc />
    /// <remarks>
    /// The trail in the same database; it also keeps the shared kill switch (<see cref="IKillSwitchStore"/>).
    /// <see cref="IAuditStore.AppendAsync"/> goes through the store's writer; <see cref="IAuditStore.ReadAsync"/> reads
    /// the stored lines in order; <see cref="IAuditStore.VerifyAsync"/> checks the chain with the store's keys.
    /// </remarks>
    public IAuditStore Audit => _audit;

    /// <summary>The notification channel the store's commits notify on (<c>{schema}_changes</c>).</summary>
    internal string Channel { get; }

    /// <summary>Opens (or creates) the store on a database.</summary>
    /// <param name="connectionString">The connection string; it replaces the options' <see cref="PostgreSqlCaseStoreOptions.ConnectionString"/>.</param>
    /// <param name="options">The schema, keys and how to write; the defaults when omitted.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">The connection string or an option is not valid (the message names it and its value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be reached, its schema is newer than this package, or it is not a case store.</exception>
    public static PostgreSqlCaseStore Open(string connectionString, PostgreSqlCaseStoreOptions? options = null)
    {
        var settings = options?.Clone() ?? new PostgreSqlCaseStoreOptions();
        settings.ConnectionString = connectionString;
        settings.DataSource = null;
        settings.Validate();
        return new PostgreSqlCaseStore(settings);
    }

    /// <summary>Opens (or creates) the store on a data source the host owns (the store never disposes it).</summary>
    /// <param name="dataSource">The data source.</param>
    /// <param name="options">The schema, keys and how to write; the defaults when omitted.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException">An option is not valid (the message names it and its value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be reached, its schema is newer than this package, or it is not a case store.</exception>
    public static PostgreSqlCaseStore Open(NpgsqlDataSource dataSource, PostgreSqlCaseStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var settings = options?.Clone() ?? new PostgreSqlCaseStoreOptions();
        settings.DataSource = dataSource;
        settings.Validate();
        return new PostgreSqlCaseStore(settings);
    }

    /// <summary>
    /// A checkpoint of the trail's last committed record (read now, so records other instances appended count), signed with
    /// the active key of a keyed trail. Keep its <see cref="AuditCheckpoint.ToJson"/> where the database's users cannot
    /// rewrite it; verifying against it finds records cut off the end.
    /// </summary>
    /// <param name="at">When (from the host's clock).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="CaseStoreException">The database cannot be read.</exception>
    public async Task<AuditCheckpoint> CreateCheckpointAsync(DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Sql("SELECT sequence, hash, key_id FROM {s}.audit_head WHERE id = 1"), connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var head = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadHead(reader) : new Head(0, AuditChain.GenesisHash, null);
            return AuditCheckpoint.Create(head.Sequence, head.Hash, at, _keys);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, "read the trail's head", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="CaseStoreException">The database cannot be read, or the stored case is not a case (the message names the database and the case).</exception>
    public async ValueTask<CaseRecord?> GetAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand(Sql("SELECT version, doc FROM {s}.cases WHERE id = $1"));
            command.Parameters.Add(new NpgsqlParameter { Value = caseId, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadCase(reader) : null;
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, $"read the case '{Clip(caseId)}'", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Every filter is SQL with parameters, ordered by the order's key (<see cref="CaseCursor.SortKey"/>) and then the case
    /// id in the <c>"C"</c> collation (by UTF-8 bytes: <see cref="StringComparison.Ordinal"/> order except between characters
    /// above U+FFFF and those from U+E000 to U+FFFF). Paging is keyset paging on that order.
    /// </remarks>
    /// <exception cref="ArgumentException">The query is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be read.</exception>
    public async ValueTask<CasePage> QueryAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand();
            var sql = new StringBuilder("SELECT version, doc FROM {s}.cases WHERE true");
            var key = Filter(sql, command, query);
            if (query.After is { } cursor)
            {
                var (afterKey, afterId) = CaseCursor.Parse(query.OrderBy, cursor);
                sql.Append(" AND (").Append(key).Append(" > @after_key OR (").Append(key).Append(" = @after_key AND id > @after_id))");
                command.Parameters.Add(new NpgsqlParameter("after_key", NpgsqlDbType.Bigint) { Value = afterKey });
                command.Parameters.Add(new NpgsqlParameter("after_id", NpgsqlDbType.Text) { Value = afterId });
            }

            sql.Append(" ORDER BY ").Append(key).Append(", id LIMIT @limit");
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.Limit + 1 });
            command.CommandText = Sql(sql.ToString());
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
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, "list cases", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One statement: <c>count(*)</c> grouped by state over the rows the query's filters select (the same SQL as
    /// <see cref="QueryAsync"/>'s and <see cref="ClaimAsync"/>'s), so no document is read.
    /// </remarks>
    /// <exception cref="ArgumentException">The query is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be read, or a stored case's state is not a state (the message names the database).</exception>
    public async ValueTask<IReadOnlyDictionary<CaseState, long>> CountAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        CaseCursor.Validate(query);
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand();
            var sql = new StringBuilder("SELECT state, count(*) FROM {s}.cases WHERE true");
            Filter(sql, command, query);
            sql.Append(" GROUP BY state");
            command.CommandText = Sql(sql.ToString());
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
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, "count cases", writing: false, ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One statement: the cases are picked with <c>FOR UPDATE SKIP LOCKED</c> (rows another claim or commit holds at that
    /// moment are passed over, not waited for) and their lease columns set. The lease is not part of the case's document
    /// or version.
    /// </remarks>
    /// <exception cref="ArgumentException">The claim is not valid (the message names the field and the value).</exception>
    /// <exception cref="CaseStoreException">The database cannot be reached.</exception>
    public async ValueTask<IReadOnlyList<CaseRecord>> ClaimAsync(CaseClaim claim, CancellationToken cancellationToken = default)
    {
        CaseClaim.Validate(claim);
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand();
            var sql = new StringBuilder("UPDATE {s}.cases AS c SET claimed_by = @claimant, claimed_until = @until FROM (SELECT id FROM {s}.cases WHERE true");
            var key = Filter(sql, command, claim.Query);
            sql.Append(" AND (claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @claimant) ORDER BY ").Append(key)
                .Append(", id LIMIT @limit FOR UPDATE SKIP LOCKED) AS picked WHERE c.id = picked.id RETURNING c.version, c.doc");
            command.Parameters.Add(new NpgsqlParameter("claimant", NpgsqlDbType.Text) { Value = claim.Claimant });
            command.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.Bigint) { Value = (claim.Now + claim.Lease).UtcTicks });
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.Bigint) { Value = claim.Now.UtcTicks });
            command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = claim.Query.Limit });
            command.CommandText = Sql(sql.ToString());
            var cases = new List<CaseRecord>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    cases.Add(ReadCase(reader));
                }
            }

            // RETURNING keeps no order: put the cases back in the query's.
            var order = claim.Query.OrderBy;
            cases.Sort((a, b) => CaseCursor.SortKey(order, a).CompareTo(CaseCursor.SortKey(order, b)) is var byKey and not 0 ? byKey : string.CompareOrdinal(a.Id, b.Id));
            return cases;
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, "claim cases", writing: true, ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="CaseStoreException">The database could not be written (down, a failed transaction); the message says whether anything may have been written.</exception>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public async ValueTask<CaseCommitResult> CommitAsync(CaseCommit commit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(commit);
        ArgumentNullException.ThrowIfNull(commit.Case);
        ArgumentNullException.ThrowIfNull(commit.Case.Id);
        ArgumentNullException.ThrowIfNull(commit.Entries);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();

        // What does not need the database is done on the caller's thread: the writer only links and writes.
        var entries = new PreparedAuditEntry[commit.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = AuditChain.Prepare(commit.Entries[i] ?? throw new ArgumentException($"Entry {i} of the commit of case '{Clip(commit.Case.Id)}' is null; nothing was written.", nameof(commit)));
        }

        var stored = commit.Case with { Version = commit.Case.Version + 1 };
        var document = commit.Purge ? null : CaseRecordJson.Serialize(stored);
        return (CaseCommitResult)await EnqueueAsync(new Pending(commit, stored, document, entries, null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for queued commits to be written, stops listening, and closes the data source when the store made it.</summary>
    /// <returns>A task that completes when closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writeLoop.ConfigureAwait(false);
        await StopListeningAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits for queued commits to be written, stops listening, and closes the data source when the store made it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Reads stored lines in order, from a sequence number on, a chunk per query.</summary>
    internal async IAsyncEnumerable<(long Sequence, string Line)> ReadLinesAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        var next = fromSequence;
        while (true)
        {
            var chunk = new List<(long, string)>(ReadChunk);
            try
            {
                await using var command = _dataSource.CreateCommand(Sql("SELECT sequence, line FROM {s}.audit WHERE sequence >= $1 ORDER BY sequence LIMIT $2"));
                command.Parameters.Add(new NpgsqlParameter { Value = next, NpgsqlDbType = NpgsqlDbType.Bigint });
                command.Parameters.Add(new NpgsqlParameter { Value = ReadChunk, NpgsqlDbType = NpgsqlDbType.Integer });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    chunk.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }
            catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
            {
                throw PostgreSqlErrors.Map(Name, "read the audit trail", writing: false, ex);
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

    /// <summary>The shared kill switch: the last change of every scope.</summary>
    internal async ValueTask<IReadOnlyList<KillSwitchChange>> ReadKillSwitchAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand(Sql("SELECT scope, engaged, actor, reason, changed_at, sequence FROM {s}.kill_switch"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var changes = new List<KillSwitchChange>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var scope = reader.GetString(0);
                changes.Add(new KillSwitchChange(scope.Length == 0 ? null : scope, reader.GetBoolean(1), reader.GetString(2), reader.GetString(3), new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero))
                {
                    Sequence = reader.GetInt64(5),
                });
            }

            return changes;
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, cancellationToken))
        {
            throw PostgreSqlErrors.Map(Name, "read the kill switch", writing: false, ex);
        }
    }

    /// <summary>The keys that verify the trail.</summary>
    internal AuditKeyRing? Keys => _keys;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    /// <summary>A case id as it may appear in a message: bounded.</summary>
    internal static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;

    /// <summary>The statement in the store's schema.</summary>
    internal string Sql(string sql) => PostgreSqlSchema.In(_schema, sql);

    private static PostgreSqlCaseStoreOptions Checked(IOptions<PostgreSqlCaseStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = (options.Value ?? throw new ArgumentException("The options have no value.", nameof(options))).Clone();
        settings.Validate();
        return settings;
    }

    /// <summary>
    /// The store's own data source prepares the statements it runs again and again (its few statement shapes), unless the
    /// connection string says otherwise.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("auto prepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("autoprepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    private static string Describe(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = string.IsNullOrEmpty(builder.Host) ? "localhost" : builder.Host;
        return string.Create(CultureInfo.InvariantCulture, $"PostgreSQL {host}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default)"} (schema {schema})");
    }

    /// <summary>
    /// Creates the schema or brings it to <see cref="SchemaVersion"/>, in one transaction under an advisory lock; refuses a
    /// newer schema, and a trail whose keys do not match the options, before writing anything.
    /// </summary>
    private void Migrate()
    {
        try
        {
            using var connection = _dataSource.OpenConnection();
            using var transaction = connection.BeginTransaction();
            Execute(connection, "SELECT pg_advisory_xact_lock(hashtext($1))", "hitl.policy:" + _schema);
            Execute(connection, Sql("CREATE SCHEMA IF NOT EXISTS {s}"));
            Execute(connection, Sql("CREATE TABLE IF NOT EXISTS {s}.schema_migrations (version integer NOT NULL PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"));
            using var current = new NpgsqlCommand(Sql("SELECT coalesce(max(version), 0) FROM {s}.schema_migrations"), connection);
            var version = Convert.ToInt32(current.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                    $"The case store {Name} has schema version {version}, newer than this version of Hitl.Policy.PostgreSql writes ({SchemaVersion}): upgrade the package on this instance. Nothing was written."));
            }

            foreach (var (number, description, statements) in PostgreSqlSchema.Migrations)
            {
                if (number <= version)
                {
                    continue;
                }

                foreach (var statement in statements)
                {
                    Execute(connection, Sql(statement));
                }

                Execute(connection, Sql("INSERT INTO {s}.schema_migrations (version, description) VALUES ($1, $2)"), number, description);
            }

            using (var head = new NpgsqlCommand(Sql("SELECT sequence, hash, key_id FROM {s}.audit_head WHERE id = 1"), connection))
            using (var reader = head.ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw new CaseStoreException($"The case store {Name} has no chain head (the row of audit_head is missing): it was changed outside the store. Nothing was written; restore it from a backup.");
                }

                CheckKeys(ReadHead(reader));
            }

            transaction.Commit();
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.DuplicateFunction or PostgresErrorCodes.UndefinedColumn)
        {
            throw new CaseStoreException(
                $"The case store {Name} cannot be set up: the schema '{_schema}' holds tables that are not a Hitl.Policy case store ({ex.MessageText}). Nothing was written; give the store another schema (PostgreSqlCaseStoreOptions.Schema).",
                ex);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, CancellationToken.None))
        {
            throw PostgreSqlErrors.Map(Name, "open it (create or migrate its schema)", writing: true, ex);
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
                $"The case store {Name} has a keyed audit trail (its last record is signed with key '{head.KeyId}'), but the store was opened without keys: give the key ring (PostgreSqlCaseStoreOptions.Keys) to open it. Nothing was written.");
        }

        if (_keys is not null && head.KeyId is null && !_keys.AllowUnkeyedRecords)
        {
            throw new CaseStoreException(
                $"The case store {Name} has an unkeyed audit trail, but the store was opened with keys: set AllowUnkeyedRecords on the key ring to continue it with keyed records. Nothing was written.");
        }
    }

    private static void Execute(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        command.ExecuteNonQuery();
    }

    private static Head ReadHead(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));

    private CaseRecord ReadCase(NpgsqlDataReader reader)
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
                string.Create(CultureInfo.InvariantCulture, $"The case store {Name} holds a case (version {version}) whose document is not a case record: {ex.Message}"),
                ex);
        }
    }

    /// <summary>A state as the <c>state</c> column holds it (<see cref="CaseState"/>'s name, as written).</summary>
    private CaseState ReadState(string text) =>
        CaseCursor.ParseState(text) ?? throw new CaseStoreException($"The case store {Name} holds a case whose state '{Clip(text)}' is not a case state.");

    /// <summary>Appends the query's filters as parameterized SQL (every value the caller gave is a parameter); returns the order's key.</summary>
    private static string Filter(StringBuilder sql, NpgsqlCommand command, CaseQuery query)
    {
        if (query.States is { } states)
        {
            sql.Append(" AND state = ANY(@states)");
            command.Parameters.Add(new NpgsqlParameter("states", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = states.Distinct().Select(s => s.ToString()).ToArray() });
        }

        if (query.ActionType is { } actionType)
        {
            sql.Append(" AND action_type = @action_type");
            command.Parameters.Add(new NpgsqlParameter("action_type", NpgsqlDbType.Text) { Value = actionType });
        }

        if (query.RequiredTiers is { } tiers)
        {
            sql.Append(" AND required_tier = ANY(@tiers)");
            command.Parameters.Add(new NpgsqlParameter("tiers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = tiers.Where(t => t is not null).Distinct(StringComparer.Ordinal).ToArray() });
        }

        if (query.NotInvolving is { } person)
        {
            // The document names the person, as the case's JSON writes the string, wherever they approved or decided:
            // where it does not (nearly every case), the document is not cast to jsonb at all.
            sql.Append(" AND requester IS DISTINCT FROM @not_involving AND subject IS DISTINCT FROM @not_involving")
                .Append(" AND (strpos(doc, @not_involving_json) = 0 OR (")
                .Append("NOT coalesce(jsonb_exists(doc::jsonb -> 'approvers', @not_involving), false)")
                .Append(" AND NOT coalesce(jsonb_exists(doc::jsonb -> 'priorDeciders', @not_involving), false)))");
            command.Parameters.Add(new NpgsqlParameter("not_involving", NpgsqlDbType.Text) { Value = person });
            command.Parameters.Add(new NpgsqlParameter("not_involving_json", NpgsqlDbType.Text) { Value = CaseRecordJson.StringAsWritten(person) });
        }

        if (query.Subject is { } subject)
        {
            sql.Append(" AND subject = @subject");
            command.Parameters.Add(new NpgsqlParameter("subject", NpgsqlDbType.Text) { Value = subject });
        }

        AddTime(sql, command, query.OpenedFrom, " AND opened_at >= @opened_from", "opened_from");
        AddTime(sql, command, query.OpenedBefore, " AND opened_at < @opened_before", "opened_before");
        AddTime(sql, command, query.DeadlineBy, " AND deadline_at <= @deadline_by", "deadline_by");
        AddTime(sql, command, query.RetentionEndedBy, " AND NOT is_open AND NOT legal_hold AND retain_until <= @retention_ended_by", "retention_ended_by");
        return query.OrderBy == CaseOrder.Deadline ? PostgreSqlSchema.DeadlineKey : "opened_at";
    }

    private static void AddTime(StringBuilder sql, NpgsqlCommand command, DateTimeOffset? value, string condition, string name)
    {
        if (value is { } time)
        {
            sql.Append(condition);
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Bigint) { Value = time.UtcTicks });
        }
    }

    /// <summary>The trail's last record: its sequence number, hash and key id.</summary>
    private readonly record struct Head(long Sequence, string Hash, string? KeyId);
}
