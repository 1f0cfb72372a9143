using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Sqlite;

/// <summary>The writer: one loop takes queued commits and appends, a group at a time, into one transaction.</summary>
public sealed partial class SqliteCaseStore
{
    private SqliteCommand? _selectVersion;
    private SqliteCommand? _insertAudit;
    private SqliteCommand? _insertCase;
    private SqliteCommand? _updateCase;
    private SqliteCommand? _deleteCase;
    private SqliteCommand? _lastSequence;
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private Head? _lastHead;
    private long _groupsStarted;
    private int _largestGroup;

    /// <summary>The most commits the writer has run in one transaction so far (tests check that grouping happens).</summary>
    internal int LargestGroup => Volatile.Read(ref _largestGroup);

    /// <summary>How many groups the writer has taken so far.</summary>
    internal long GroupsStarted => Interlocked.Read(ref _groupsStarted);

    /// <summary>Waits until the writer has taken more than <paramref name="after"/> groups (tests queue commits behind a group that is blocked, so that they form the next one).</summary>
    internal async Task WaitForGroupAsync(long after)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (GroupsStarted <= after)
        {
            await Task.Delay(1, timeout.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Queues an append of the audit facade.</summary>
    internal async ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        if (IsReadOnly)
        {
            throw new AuditStoreException($"The case store '{Path}' was opened read-only; the audit record for case '{Clip(entry.CaseId ?? "")}' was refused and nothing was written.");
        }

        try
        {
            return (AuditRecord)await EnqueueAsync(new Pending(null, null, null, [AuditChain.Prepare(entry)]), cancellationToken).ConfigureAwait(false);
        }
        catch (CaseStoreException ex)
        {
            throw new AuditStoreException(ex.Message, ex);
        }
    }

    private async ValueTask<object> EnqueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (!_queue!.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteCaseStore), $"The case store '{Path}' was disposed.");
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Not yet taken by the writer: it never will be. Already taken: it is written, only the wait ends.
            pending.TryAbandon();
            throw;
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue!.Reader;
        var group = new List<Pending>(Math.Min(_maxGroup, 1024));
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < _maxGroup && reader.TryRead(out var next))
            {
                if (next.TryTake())
                {
                    group.Add(next);
                }
            }

            if (group.Count == 0)
            {
                continue;
            }

            Interlocked.Increment(ref _groupsStarted);
            if (group.Count > _largestGroup)
            {
                Volatile.Write(ref _largestGroup, group.Count);
            }

            try
            {
                RunGroup(group);
            }
#pragma warning disable CA1031 // The loop must outlive any failure: every waiting commit gets the exception.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var error = SqliteErrors.Map(Path, _busyTimeout, "commit", writing: true, ex);
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(error);
                }
            }
        }
    }

    /// <summary>
    /// Runs a group in one transaction. A conflict or an entry that cannot be linked fails its commit alone, before that
    /// commit wrote anything (the chain head stays where it was); any other failure rolls the whole transaction back and
    /// fails every commit of the group.
    /// </summary>
    private void RunGroup(List<Pending> group)
    {
        var writer = _writer!;
        try
        {
            Run(ref _begin, "BEGIN IMMEDIATE");
        }
        catch (SqliteException ex)
        {
            Fail(group, SqliteErrors.Map(Path, _busyTimeout, "begin the commit", writing: true, ex));
            return;
        }

        try
        {
            // Read inside the transaction: another store may have appended since this one last wrote.
            var head = CurrentHead(writer);
            foreach (var pending in group)
            {
                // A commit fails on its own (a conflict, an entry that cannot be linked) before it writes anything: its
                // records are sealed first and its case is written by one statement, which SQLite undoes by itself when
                // it fails; only then are its records inserted. So a failed commit needs no savepoint to roll back.
                try
                {
                    pending.Result = pending.Commit is not null ? Apply(pending, ref head) : Insert(Link(pending.Entries, ref head))[0];
                }
                catch (Exception ex) when (ex is CaseConflictException or ArgumentException)
                {
                    pending.Error = ex;
                }
            }

            Run(ref _commit, "COMMIT");
            _lastHead = head;
        }
        catch (Exception ex) when (ex is SqliteException or CaseStoreException or IOException or FormatException or InvalidOperationException)
        {
            _lastHead = null;
            TryRollback(writer);
            Fail(group, SqliteErrors.Map(Path, _busyTimeout, "commit", writing: true, ex));
            return;
        }

        foreach (var pending in group)
        {
            if (pending.Error is { } error)
            {
                pending.Completion.TrySetException(error);
            }
            else
            {
                pending.Completion.TrySetResult(pending.Result!);
            }
        }
    }

    private static void Fail(List<Pending> group, CaseStoreException error)
    {
        foreach (var pending in group)
        {
            pending.Completion.TrySetException(error);
        }
    }

    /// <summary>
    /// Writes the case first (the version is checked by the write itself: an insert that meets the key, an update or
    /// delete whose <c>version</c> no longer matches), then its records; a conflict leaves the chain head where it was.
    /// </summary>
    private CaseCommitResult Apply(Pending pending, ref Head head)
    {
        var commit = pending.Commit!;
        var next = commit.Case;
        var stored = pending.Stored!;
        var linked = head;
        var sealedRecords = Link(pending.Entries, ref linked);
        if (commit.Purge)
        {
            if (next.Version == 0)
            {
                if (ActualVersion(next.Id) is { } exists)
                {
                    throw new CaseConflictException(next.Id, 0, exists);
                }
            }
            else
            {
                var delete = _deleteCase ??= Prepare("DELETE FROM cases WHERE id = $id AND version = $version", ("$id", SqliteType.Text), ("$version", SqliteType.Integer));
                delete.Parameters[0].Value = next.Id;
                delete.Parameters[1].Value = next.Version;
                if (delete.ExecuteNonQuery() != 1)
                {
                    throw new CaseConflictException(next.Id, next.Version, ActualVersion(next.Id));
                }
            }
        }
        else if (next.Version == 0)
        {
            var insert = _insertCase ??= PrepareCase(
                "INSERT INTO cases (id, version, state, action_type, required_tier, requester, subject, opened_at, deadline_at, retain_until, legal_hold, is_open, doc) " +
                "VALUES ($id, $version, $state, $action_type, $required_tier, $requester, $subject, $opened_at, $deadline_at, $retain_until, $legal_hold, $is_open, $doc)");
            Bind(insert, stored, pending.Document!);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19 && ActualVersion(next.Id) is { } exists)
            {
                // SQLITE_CONSTRAINT on the key: someone created the case first.
                throw new CaseConflictException(next.Id, 0, exists);
            }
        }
        else
        {
            var update = _updateCase ??= PrepareCase(
                "UPDATE cases SET version = $version, state = $state, action_type = $action_type, required_tier = $required_tier, requester = $requester, " +
                "subject = $subject, opened_at = $opened_at, deadline_at = $deadline_at, retain_until = $retain_until, legal_hold = $legal_hold, " +
                "is_open = $is_open, doc = $doc WHERE id = $id AND version = $version - 1");
            Bind(update, stored, pending.Document!);
            if (update.ExecuteNonQuery() != 1)
            {
                throw new CaseConflictException(next.Id, next.Version, ActualVersion(next.Id));
            }
        }

        head = linked;
        return new CaseCommitResult(stored, Insert(sealedRecords));
    }

    private long? ActualVersion(string caseId)
    {
        var select = _selectVersion ??= Prepare("SELECT version FROM cases WHERE id = $id", ("$id", SqliteType.Text));
        select.Parameters[0].Value = caseId;
        return select.ExecuteScalar() is long version ? version : null;
    }

    /// <summary>
    /// The chain head inside the writer's transaction: the one this writer left, when the trail still ends there (no
    /// other store appended since; rows are never deleted), otherwise read from the file.
    /// </summary>
    private Head CurrentHead(SqliteConnection writer)
    {
        var last = _lastSequence ??= Prepare("SELECT sequence FROM audit ORDER BY sequence DESC LIMIT 1");
        var sequence = last.ExecuteScalar() is long value ? value : 0;
        return _lastHead is { } known && known.Sequence == sequence ? known : ReadHead(writer);
    }

    private void Run(ref SqliteCommand? command, string sql)
    {
        command ??= Prepare(sql);
        command.ExecuteNonQuery();
    }

    /// <summary>Seals the entries onto the chain after <paramref name="head"/> and moves the head on; writes nothing.</summary>
    private SealedAuditRecord[] Link(PreparedAuditEntry[] entries, ref Head head)
    {
        var sealedRecords = AuditChain.SealAfter(entries, head.Sequence, head.Hash, _keys?.Active);
        if (sealedRecords.Length > 0)
        {
            var last = sealedRecords[^1].Record;
            head = new Head(last.Sequence, last.Hash, last.KeyId);
        }

        return sealedRecords;
    }

    /// <summary>Inserts sealed records into the audit table.</summary>
    private AuditRecord[] Insert(SealedAuditRecord[] sealedRecords)
    {
        var insert = _insertAudit ??= Prepare(
            "INSERT INTO audit (sequence, case_id, line) VALUES ($sequence, $case_id, $line)",
            ("$sequence", SqliteType.Integer),
            ("$case_id", SqliteType.Text),
            ("$line", SqliteType.Text));
        var records = new AuditRecord[sealedRecords.Length];
        for (var i = 0; i < sealedRecords.Length; i++)
        {
            var record = sealedRecords[i].Record;
            insert.Parameters[0].Value = record.Sequence;
            insert.Parameters[1].Value = record.Entry.CaseId;
            insert.Parameters[2].Value = sealedRecords[i].Line;
            insert.ExecuteNonQuery();
            records[i] = record;
        }

        return records;
    }

    private static void Bind(SqliteCommand command, CaseRecord stored, string document)
    {
        var p = command.Parameters;
        p["$id"].Value = stored.Id;
        p["$version"].Value = stored.Version;
        p["$state"].Value = stored.State.ToString();
        p["$action_type"].Value = (object?)stored.ActionType ?? DBNull.Value;
        p["$required_tier"].Value = (object?)stored.RequiredTier ?? DBNull.Value;
        p["$requester"].Value = (object?)stored.Requester ?? DBNull.Value;
        p["$subject"].Value = (object?)stored.Subject ?? DBNull.Value;
        p["$opened_at"].Value = stored.OpenedAt.UtcTicks;
        p["$deadline_at"].Value = stored.DeadlineAt is { } deadline ? deadline.UtcTicks : DBNull.Value;
        p["$retain_until"].Value = stored.RetainUntil is { } retain ? retain.UtcTicks : DBNull.Value;
        p["$legal_hold"].Value = stored.LegalHold ? 1L : 0L;
        p["$is_open"].Value = stored.IsOpen ? 1L : 0L;
        p["$doc"].Value = document;
    }

    private void Expect(int rows, string caseId)
    {
        if (rows != 1)
        {
            // The version was checked in this transaction, so this is a file changed behind the store's back.
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The case store '{Path}' changed {rows} rows instead of 1 for case '{Clip(caseId)}' in its own transaction."));
        }
    }

    private SqliteCommand PrepareCase(string sql) => Prepare(
        sql,
        ("$id", SqliteType.Text),
        ("$version", SqliteType.Integer),
        ("$state", SqliteType.Text),
        ("$action_type", SqliteType.Text),
        ("$required_tier", SqliteType.Text),
        ("$requester", SqliteType.Text),
        ("$subject", SqliteType.Text),
        ("$opened_at", SqliteType.Integer),
        ("$deadline_at", SqliteType.Integer),
        ("$retain_until", SqliteType.Integer),
        ("$legal_hold", SqliteType.Integer),
        ("$is_open", SqliteType.Integer),
        ("$doc", SqliteType.Text));

    private SqliteCommand Prepare(string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = _writer!.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            command.Parameters.Add(name, type);
        }

        return command;
    }

    private void DisposeCommands()
    {
        _selectVersion?.Dispose();
        _insertAudit?.Dispose();
        _insertCase?.Dispose();
        _updateCase?.Dispose();
        _deleteCase?.Dispose();
        _lastSequence?.Dispose();
        _begin?.Dispose();
        _commit?.Dispose();
    }

    /// <summary>A commit or an append waiting for the writer.</summary>
    private sealed class Pending(CaseCommit? commit, CaseRecord? stored, string? document, PreparedAuditEntry[] entries)
    {
        private int _state;

        public CaseCommit? Commit { get; } = commit;

        /// <summary>The case as it will be stored (its next version), and its JSON: made on the caller's thread, not the writer's.</summary>
        public CaseRecord? Stored { get; } = stored;

        public string? Document { get; } = document;

        /// <summary>The entries, checked and in canonical JSON on the caller's thread; the writer only links them into the chain.</summary>
        public PreparedAuditEntry[] Entries { get; } = entries;

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What the commit stored, staged until the transaction commits.</summary>
        public object? Result { get; set; }

        /// <summary>The commit's own failure (a conflict, an entry that is not valid), staged until the transaction ends.</summary>
        public Exception? Error { get; set; }

        /// <summary>The writer takes it; false when the caller gave up first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        /// <summary>The caller gives up; false when the writer took it first.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
