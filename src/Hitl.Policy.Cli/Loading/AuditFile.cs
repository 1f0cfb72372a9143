using System.Globalization;
using System.Runtime.CompilerServices;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Cli.Loading;

/// <summary>
/// An audit trail file, checked and read without taking a store's lock, so a trail a host is writing can be read beside
/// it: JSON Lines, as <see cref="JsonLinesAuditStore"/> writes it, or the SQLite file of a
/// <see cref="Hitl.Policy.Sqlite.SqliteCaseStore"/>, told apart by content (the SQLite header), not by name. A SQLite
/// trail has no line numbers: its verification names the sequence of the first broken record only.
/// </summary>
internal sealed class AuditFile
{
    private AuditFile(string path, AuditVerification verification, IReadOnlyList<AuditRecord> records)
    {
        Path = path;
        Verification = verification;
        Records = records;
    }

    /// <summary>The path as the user gave it.</summary>
    public string Path { get; }

    /// <summary>What the chain check found.</summary>
    public AuditVerification Verification { get; }

    /// <summary>The intact records: all of them, or those before the first broken or torn one.</summary>
    public IReadOnlyList<AuditRecord> Records { get; }

    /// <summary>Checks the chain of a trail file.</summary>
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    public static AuditVerification Verify(string path, AuditKeyRing? keys = null, AuditCheckpoint? checkpoint = null)
    {
        InputFile.Check(path, "audit trail");
        if (CaseStoreFile.IsSqlite(path, "audit trail"))
        {
            return VerifySqlite(path, keys, checkpoint);
        }

        try
        {
            return JsonLinesAuditStore.VerifyFile(path, keys, checkpoint);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the audit trail '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks the chain and reads the records that passed it. Records after a break are left out: figures that rest on
    /// a trail must rest only on the part that is known not to have been changed.
    /// </summary>
    /// <exception cref="CliException">The file is missing or unreadable.</exception>
    public static AuditFile Read(string path)
    {
        var verification = Verify(path);
        return new AuditFile(path, verification, Stream(path, verification.RecordCount).ToList());
    }

    /// <summary>
    /// Streams the first <paramref name="count"/> records of a trail (the intact ones) without holding them: a trail of
    /// any size is read in the memory of one record.
    /// </summary>
    /// <exception cref="CliException">The file is unreadable.</exception>
    public static IEnumerable<AuditRecord> Stream(string path, long count)
    {
        if (count <= 0)
        {
            yield break;
        }

        var sqlite = CaseStoreFile.IsSqlite(path, "audit trail");
        using var store = sqlite ? CaseStoreFile.OpenSqlite(path, "audit trail") : null;
        var source = store is not null ? store.Audit.ReadAsync() : JsonLinesAuditStore.ReadFileAsync(path);
        using var records = source.ToBlockingEnumerable().GetEnumerator();
        for (long read = 0; read < count; read++)
        {
            try
            {
                if (!records.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditStoreException or CaseStoreException)
            {
                throw new CliException($"Cannot read the audit trail '{path}': {ex.Message}", ex);
            }

            yield return records.Current;
        }
    }

    /// <summary>
    /// Checks the trail in a SQLite case store: the chain, the MACs with <paramref name="keys"/>, and the checkpoint. A
    /// stored line that is not a record at all breaks the chain there, as a mangled line of a JSON Lines trail does.
    /// </summary>
    private static AuditVerification VerifySqlite(string path, AuditKeyRing? keys, AuditCheckpoint? checkpoint)
    {
        using var store = CaseStoreFile.OpenSqlite(path, "audit trail", keys);
        var reading = new CheckedRead(store.Audit);
        AuditVerification result;
        try
        {
            result = AuditChain.VerifyAsync(reading.RecordsAsync(), keys, checkpoint).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is AuditStoreException or CaseStoreException or IOException)
        {
            throw new CliException($"Cannot read the audit trail '{path}': {ex.Message}", ex);
        }

        if (reading.Problem is { } problem)
        {
            // The checker took every record before the bad one, so this is the first problem of the trail.
            return new AuditVerification(false, reading.Read, reading.Read + 1, null, problem, TornTail: false)
            {
                KeyedRecords = result.KeyedRecords,
                UncheckedMacs = result.UncheckedMacs,
            };
        }

        return result;
    }

    /// <summary>Reads a store's records for a check, stopping (and keeping why) at a stored line that is not a record.</summary>
    private sealed class CheckedRead(IAuditStore trail)
    {
        public string? Problem { get; private set; }

        public long Read { get; private set; }

        public async IAsyncEnumerable<AuditRecord> RecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await using var records = trail.ReadAsync(1, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await records.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (AuditStoreException ex) when (ex.InnerException is FormatException)
                {
                    Problem = ex.Message;
                    yield break;
                }

                Read++;
                yield return records.Current;
            }
        }
    }

    /// <summary>
    /// The warning a command that reads the trail prints when it is not intact, or <see langword="null"/> when it is.
    /// </summary>
    public string? Warning() => Warning(Path, Verification);

    /// <summary>The warning for a trail that is not intact, or <see langword="null"/> when it is.</summary>
    public static string? Warning(string path, AuditVerification verification) => verification.IsIntact
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"warning: the audit trail '{path}' is {(verification.TornTail ? "torn" : "broken")} {Where(verification)}: {verification.Problem} Only the {verification.RecordCount} intact records before it are counted; run 'hitl audit verify {path}'.");

    /// <summary>
    /// Where a trail breaks: <c>at line N</c> in a JSON Lines file, <c>at sequence N</c> in a SQLite store (which has no
    /// lines), <c>after sequence N</c> when nothing names a record (a checkpoint that is not reached).
    /// </summary>
    public static string Where(AuditVerification verification) => verification switch
    {
        { FirstBrokenLine: { } line } => string.Create(CultureInfo.InvariantCulture, $"at line {line}"),
        { FirstBrokenSequence: { } sequence } => string.Create(CultureInfo.InvariantCulture, $"at sequence {sequence}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"after sequence {verification.RecordCount}"),
    };
}
