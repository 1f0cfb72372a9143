using System.Globalization;
using System.Runtime.CompilerServices;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.PostgreSql;

/// <summary>The audit trail of a <see cref="PostgreSqlCaseStore"/>, in the same database as its cases, and the shared kill switch kept with it.</summary>
internal sealed class PostgreSqlAuditTrail(PostgreSqlCaseStore store) : IAuditStore, IKillSwitchStore
{
    /// <inheritdoc />
    /// <exception cref="ArgumentException">The entry is not valid (the message names the field and the value); nothing was written.</exception>
    /// <exception cref="AuditStoreException">The record could not be written (the message names the database and the cause).</exception>
    public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.AppendAsync(entry, null, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<AuditRecord> RecordKillSwitchAsync(KillSwitchChange change, AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(entry);
        return store.AppendAsync(entry, change, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KillSwitchChange>> ReadKillSwitchAsync(CancellationToken cancellationToken = default) => store.ReadKillSwitchAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="AuditStoreException">The database cannot be read, or a stored line is not a record (the message names the sequence).</exception>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        await foreach (var (sequence, line) in Lines(fromSequence, cancellationToken).ConfigureAwait(false))
        {
            AuditRecord record;
            try
            {
                record = AuditChain.ParseLine(line);
            }
            catch (FormatException ex)
            {
                throw new AuditStoreException(string.Create(CultureInfo.InvariantCulture, $"The audit record {sequence} in the case store {store.Name} is not a record: {ex.Message}"), ex);
            }

            yield return record;
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads the whole trail again (every instance's records count) and checks every MAC with the store's keys.</remarks>
    public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditChain.VerifyLinesAsync(Lines(1, cancellationToken), store.Keys, cancellationToken);

    private async IAsyncEnumerable<(long Sequence, string Line)> Lines(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = store.ReadLinesAsync(fromSequence, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await lines.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (CaseStoreException ex)
                {
                    throw new AuditStoreException(ex.Message, ex);
                }

                yield return lines.Current;
            }
        }
        finally
        {
            await lines.DisposeAsync().ConfigureAwait(false);
        }
    }
}
