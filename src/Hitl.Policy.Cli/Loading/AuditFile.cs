using System.Globalization;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Cli.Loading;

/// <summary>
/// An audit trail file (JSON Lines, as <see cref="JsonLinesAuditStore"/> writes it), checked and read without taking the
/// store's lock, so a trail a host is writing can be read beside it.
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
        try
        {
            var records = JsonLinesAuditStore.ReadFileAsync(path)
                .ToBlockingEnumerable()
                .Take((int)Math.Min(verification.RecordCount, int.MaxValue))
                .ToList();
            return new AuditFile(path, verification, records);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditStoreException)
        {
            throw new CliException($"Cannot read the audit trail '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Streams the first <paramref name="count"/> records of a trail (the intact ones) without holding them: a trail of
    /// any size is read in the memory of one record.
    /// </summary>
    /// <exception cref="CliException">The file is unreadable.</exception>
    public static IEnumerable<AuditRecord> Stream(string path, long count)
    {
        using var records = JsonLinesAuditStore.ReadFileAsync(path).ToBlockingEnumerable().GetEnumerator();
        for (long read = 0; read < count; read++)
        {
            try
            {
                if (!records.MoveNext())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditStoreException)
            {
                throw new CliException($"Cannot read the audit trail '{path}': {ex.Message}", ex);
            }

            yield return records.Current;
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
            $"warning: the audit trail '{path}' is {(verification.TornTail ? "torn" : "broken")} at line {verification.FirstBrokenLine}: {verification.Problem} Only the {verification.RecordCount} intact records before it are counted; run 'hitl audit verify {path}'.");
}
