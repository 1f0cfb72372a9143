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
    public static AuditVerification Verify(string path)
    {
        InputFile.Check(path, "audit trail");
        try
        {
            return JsonLinesAuditStore.VerifyFile(path);
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
    /// The warning a command that reads the trail prints when it is not intact, or <see langword="null"/> when it is.
    /// </summary>
    public string? Warning() => Verification.IsIntact
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"warning: the audit trail '{Path}' is {(Verification.TornTail ? "torn" : "broken")} at line {Verification.FirstBrokenLine}: {Verification.Problem} Only the {Verification.RecordCount} intact records before it are counted; run 'hitl audit verify {Path}'.");
}
