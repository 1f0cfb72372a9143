using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Review;

/// <summary>
/// A small stand-in for the real in-memory store: numbers and chains records, can be told to fail, and checks that
/// sequence numbers are unique and without gaps. Swap for InMemoryAuditStore once it is merged.
/// </summary>
internal sealed class FakeAuditStore : IAuditStore
{
    private readonly Lock _gate = new();
    private readonly List<AuditRecord> _records = [];

    /// <summary>When it returns true for an entry, the append throws and nothing is stored.</summary>
    public Func<AuditEntry, bool>? FailWhen { get; set; }

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public IReadOnlyList<AuditEntry> EntriesFor(string caseId) => Records.Where(r => r.Entry.CaseId == caseId).Select(r => r.Entry).ToList();

    public IReadOnlyList<ActKind> ActsFor(string caseId) => EntriesFor(caseId).Select(e => e.Act).ToList();

    public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (FailWhen?.Invoke(entry) == true)
            {
                throw new IOException($"disk full (test) while appending {entry.Act}");
            }

            var sequence = _records.Count + 1;
            var previous = _records.Count == 0 ? new string('0', 64) : _records[^1].Hash;
            var record = new AuditRecord(sequence, entry, previous, Hash(sequence, previous, entry));
            _records.Add(record);
            return ValueTask.FromResult(record);
        }
    }

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in Records.Where(r => r.Sequence >= fromSequence))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }

        await Task.CompletedTask;
    }

    public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var records = Records;
        var previous = new string('0', 64);
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.Sequence != i + 1 || r.PreviousHash != previous || r.Hash != Hash(r.Sequence, r.PreviousHash, r.Entry))
            {
                return ValueTask.FromResult(new AuditVerification(false, i, r.Sequence, null, $"record {r.Sequence} breaks the chain", false));
            }

            previous = r.Hash;
        }

        return ValueTask.FromResult(new AuditVerification(true, records.Count, null, null, null, false));
    }

    private static string Hash(long sequence, string previous, AuditEntry e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{sequence}|{previous}|{e.Act}|{e.CaseId}|{e.At:O}|{e.Actor}|{e.ReasonCode}|{e.InputDigest}|{e.EditedDigest}|{e.Route}")));
}
