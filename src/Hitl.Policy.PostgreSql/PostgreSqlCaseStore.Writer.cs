using System.Text;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Npgsql;
using NpgsqlTypes;

namespace Hitl.Policy.PostgreSql;

/// <summary>The writer: one loop takes queued commits and appends, a group at a time, into one transaction.</summary>
public sealed partial class PostgreSqlCaseStore
{
    /// <summary>The longest notification payload sent (PostgreSQL's limit is 8000 bytes); more changes than fit send "missed".</summary>
    private const int MaxNotifyBytes = 7000;

    private int _largestGroup;

    /// <summary>The most commits the writer has run in one transaction so far (tests check that grouping happens).</summary>
    internal int LargestGroup => Volatile.Read(ref _largestGroup);

    /// <summary>Queues an append of the audit facade (a record of no case change, or a kill switch change with its state).</summary>
    internal async ValueTask<AuditRecord> AppendAsync(AuditEntry entry, KillSwitchChange? killSwitch, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return (AuditRecord)await EnqueueAsync(new Pending(null, null, null, [AuditChain.Prepare(entry)], killSwitch), cancellationToken).ConfigureAwait(false);
        }
        catch (CaseStoreException ex)
        {
            throw new AuditStoreException(ex.Message, ex);
        }
    }

    private async ValueTask<object> EnqueueAsync(Pending pending, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgreSqlCaseStore), $"The case store {Name} was disposed.");
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
        var reader = _queue.Reader;
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

            if (group.Count > _largestGroup)
            {
                Volatile.Write(ref _largestGroup, group.Count);
            }

            try
            {
                await RunGroupAsync(group).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The loop must outlive any failure: every waiting commit gets the exception.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var error = ex as CaseStoreException ?? PostgreSqlErrors.Map(Name, "commit", writing: true, ex);
                foreach (var pending in group)
                {
                    pending.Completion.TrySetException(error);
                }
            }
        }
    }

    /// <summary>
    /// Runs a group in one transaction, in two round trips: the first begins, writes the cases (each write checks its
    /// version and reports it) and locks the chain head; the second appends the records of the commits that did not
    /// conflict, moves the head, notifies and commits. A conflict fails its commit alone; any other failure fails them all.
    /// </summary>
    private async Task RunGroupAsync(List<Pending> group)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (PostgreSqlErrors.IsDatabaseError(ex, CancellationToken.None))
        {
            Fail(group, PostgreSqlErrors.Map(Name, "connect to commit", writing: true, ex));
            return;
        }

        await using (connection.ConfigureAwait(false))
        {
            var committing = false;
            try
            {
                var head = await BeginAsync(connection, group).ConfigureAwait(false);
                var records = new List<SealedAuditRecord>();
                foreach (var pending in group)
                {
                    if (pending.Error is not null)
                    {
                        continue;
                    }

                    try
                    {
                        var sealedRecords = Link(pending.Entries, ref head);
                        records.AddRange(sealedRecords);
                        pending.Result = pending.Commit is not null
                            ? new CaseCommitResult(pending.Stored!, [.. sealedRecords.Select(r => r.Record)])
                            : sealedRecords[0].Record;
                    }
                    catch (ArgumentException ex)
                    {
                        // An entry that cannot be linked; its case was written in this transaction, so it fails the group.
                        throw new CaseStoreException($"The case store {Name} could not link a record of the group: {ex.Message} Nothing was written.", ex);
                    }
                }

                committing = true;
                await FinishAsync(connection, group, records, head).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CaseStoreException || PostgreSqlErrors.IsDatabaseError(ex, CancellationToken.None))
            {
                await TryRollbackAsync(connection).ConfigureAwait(false);
                var error = ex as CaseStoreException ?? (committing && ex is not PostgresException
                    ? PostgreSqlErrors.CommitUnknown(Name, ex)
                    : PostgreSqlErrors.Map(Name, "commit", writing: true, ex));
                Fail(group, error);
                return;
            }
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

    /// <summary>
    /// The first round trip: <c>BEGIN</c>, every case write, and the chain head locked (<c>FOR UPDATE</c>: every
    /// instance's appends take turns here, from this statement to <c>COMMIT</c>); marks each commit that conflicted.
    /// Returns the head.
    /// </summary>
    private async Task<Head> BeginAsync(NpgsqlConnection connection, List<Pending> group)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        // Case rows are locked in one order on every instance (by id; a case's own commits keep theirs), so that two
        // groups writing the same cases can never wait for each other in a circle.
        var writes = group.Where(p => p.Commit is not null).OrderBy(p => p.Commit!.Case.Id, StringComparer.Ordinal).ToList();
        foreach (var pending in writes)
        {
            batch.BatchCommands.Add(CaseWrite(pending));
        }

        // The head is locked last: the lock is held from here to COMMIT, so the case writes run before it.
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql("SELECT sequence, hash, key_id FROM {s}.audit_head WHERE id = 1 FOR UPDATE")));
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = 0; i < writes.Count; i++)
        {
            var pending = writes[i];
            await reader.ReadAsync().ConfigureAwait(false);
            var written = !reader.IsDBNull(0);
            long? current = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            if (!written)
            {
                pending.Error = new CaseConflictException(pending.Commit!.Case.Id, pending.Commit.Case.Version, current);
            }

            await reader.NextResultAsync().ConfigureAwait(false);
        }

        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            throw new CaseStoreException($"The case store {Name} has no chain head (the row of audit_head is missing): it was changed outside the store. Nothing was written.");
        }

        var head = ReadHead(reader);
        return head;
    }

    /// <summary>
    /// One case write that reports, in one row, whether it wrote (the new version, or null) and the version it found:
    /// the write checks the version itself, so a conflict writes nothing and names the version that won.
    /// </summary>
    private NpgsqlBatchCommand CaseWrite(Pending pending)
    {
        var commit = pending.Commit!;
        var next = commit.Case;
        var stored = pending.Stored!;
        const string Found = " SELECT (SELECT version FROM w), (SELECT version FROM {s}.cases WHERE id = $1)";
        NpgsqlBatchCommand command;
        if (commit.Purge)
        {
            command = new NpgsqlBatchCommand(Sql(next.Version == 0
                ? "WITH w AS (SELECT NULL::bigint AS version WHERE false)" + Found.Replace("(SELECT version FROM w)", "CASE WHEN EXISTS (SELECT 1 FROM {s}.cases WHERE id = $1) THEN NULL ELSE 0::bigint END", StringComparison.Ordinal)
                : "WITH w AS (DELETE FROM {s}.cases WHERE id = $1 AND version = $2 RETURNING version)" + Found));
            command.Parameters.Add(Text(next.Id));
            if (next.Version != 0)
            {
                command.Parameters.Add(Bigint(next.Version));
            }

            return command;
        }

        command = new NpgsqlBatchCommand(Sql(next.Version == 0
            ? "WITH w AS (INSERT INTO {s}.cases (id, version, state, action_type, required_tier, requester, subject, opened_at, deadline_at, retain_until, legal_hold, is_open, doc) " +
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING RETURNING version)" + Found
            : "WITH w AS (UPDATE {s}.cases SET version = $2, state = $3, action_type = $4, required_tier = $5, requester = $6, subject = $7, opened_at = $8, " +
              "deadline_at = $9, retain_until = $10, legal_hold = $11, is_open = $12, doc = $13, claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND version = $2 - 1 RETURNING version)" + Found));
        var p = command.Parameters;
        p.Add(Text(stored.Id));
        p.Add(Bigint(stored.Version));
        p.Add(Text(stored.State.ToString()));
        p.Add(Text(stored.ActionType));
        p.Add(Text(stored.RequiredTier));
        p.Add(Text(stored.Requester));
        p.Add(Text(stored.Subject));
        p.Add(Bigint(stored.OpenedAt.UtcTicks));
        p.Add(Bigint(stored.DeadlineAt?.UtcTicks));
        p.Add(Bigint(stored.RetainUntil?.UtcTicks));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = stored.LegalHold });
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = stored.IsOpen });
        p.Add(Text(pending.Document));
        return command;
    }

    /// <summary>
    /// The second round trip: the records (one statement for the whole group), the head moved to the last of them, the
    /// kill switch rows, one notification, and <c>COMMIT</c>.
    /// </summary>
    private async Task FinishAsync(NpgsqlConnection connection, List<Pending> group, List<SealedAuditRecord> records, Head head)
    {
        await using var batch = new NpgsqlBatch(connection);
        if (records.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(Sql("INSERT INTO {s}.audit (sequence, case_id, line) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])"));
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = records.Select(r => r.Record.Sequence).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = records.Select(r => r.Record.Entry.CaseId ?? "").ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = records.Select(r => r.Line).ToArray() });
            batch.BatchCommands.Add(insert);
            var move = new NpgsqlBatchCommand(Sql("UPDATE {s}.audit_head SET sequence = $1, hash = $2, key_id = $3 WHERE id = 1"));
            move.Parameters.Add(Bigint(head.Sequence));
            move.Parameters.Add(Text(head.Hash));
            move.Parameters.Add(Text(head.KeyId));
            batch.BatchCommands.Add(move);
        }

        var notice = new StringBuilder();
        var noticeBytes = 0;
        var overflow = false;
        foreach (var pending in group)
        {
            if (pending.Error is not null)
            {
                continue;
            }

            if (pending.KillSwitch is { } change)
            {
                var upsert = new NpgsqlBatchCommand(Sql(
                    "INSERT INTO {s}.kill_switch (scope, engaged, actor, reason, changed_at, sequence) VALUES ($1, $2, $3, $4, $5, $6) " +
                    "ON CONFLICT (scope) DO UPDATE SET engaged = excluded.engaged, actor = excluded.actor, reason = excluded.reason, changed_at = excluded.changed_at, sequence = excluded.sequence"));
                upsert.Parameters.Add(Text(change.ActionType ?? ""));
                upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = change.Engaged });
                upsert.Parameters.Add(Text(change.Actor));
                upsert.Parameters.Add(Text(change.Reason));
                upsert.Parameters.Add(Bigint(change.At.UtcTicks));
                upsert.Parameters.Add(Bigint(((AuditRecord)pending.Result!).Sequence));
                batch.BatchCommands.Add(upsert);
                overflow |= !Notice(notice, ref noticeBytes, "k");
            }
            else if (pending.Commit is not null)
            {
                overflow |= !Notice(notice, ref noticeBytes, "c:" + pending.Commit.Case.Id);
            }
        }

        if (notice.Length > 0 || overflow)
        {
            var notify = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
            notify.Parameters.Add(Text(Channel));
            notify.Parameters.Add(Text(overflow ? "*" : notice.ToString()));
            batch.BatchCommands.Add(notify);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Adds a line to the notification; false when it does not fit (or a case id has a line break), so the notification says "missed" instead.</summary>
    private static bool Notice(StringBuilder notice, ref int bytes, string line)
    {
        var size = Encoding.UTF8.GetByteCount(line) + 1;
        if (line.Contains('\n', StringComparison.Ordinal) || bytes + size > MaxNotifyBytes)
        {
            return false;
        }

        notice.Append(notice.Length == 0 ? "" : "\n").Append(line);
        bytes += size;
        return true;
    }

    private static async Task TryRollbackAsync(NpgsqlConnection connection)
    {
        if (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A connection that cannot roll back is dropped by the pool; the server rolls back when it closes.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private static void Fail(List<Pending> group, CaseStoreException error)
    {
        foreach (var pending in group)
        {
            pending.Completion.TrySetException(error);
        }
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

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bigint(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } v ? v : DBNull.Value };

    /// <summary>A commit or an append waiting for the writer.</summary>
    private sealed class Pending(CaseCommit? commit, CaseRecord? stored, string? document, PreparedAuditEntry[] entries, KillSwitchChange? killSwitch)
    {
        private int _state;

        public CaseCommit? Commit { get; } = commit;

        /// <summary>The case as it will be stored (its next version), and its JSON: made on the caller's thread.</summary>
        public CaseRecord? Stored { get; } = stored;

        public string? Document { get; } = document;

        /// <summary>The entries, checked and in canonical JSON on the caller's thread; the writer only links them.</summary>
        public PreparedAuditEntry[] Entries { get; } = entries;

        /// <summary>A kill switch change whose state row is written with its record.</summary>
        public KillSwitchChange? KillSwitch { get; } = killSwitch;

        public TaskCompletionSource<object> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>What the commit stored, staged until the transaction commits.</summary>
        public object? Result { get; set; }

        /// <summary>The commit's own failure (a conflict), staged until the transaction ends.</summary>
        public Exception? Error { get; set; }

        /// <summary>The writer takes it; false when the caller gave up first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        /// <summary>The caller gives up; false when the writer took it first.</summary>
        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
