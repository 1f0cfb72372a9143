namespace Hitl.Policy.Audit;

/// <summary>
/// Reads a JSON Lines trail from the start and checks every line: that it is a record, in canonical form, numbered
/// next, linked to the hash before it and matching its own hash. Stops at the first problem. A last line that has no
/// line feed, or that is not a record at all, is a torn tail (a write cut off by a crash); anything else is a break.
/// </summary>
internal static class AuditTrailScan
{
    public static async ValueTask<Result> RunAsync(Stream stream, long limit, bool synchronous, CancellationToken cancellationToken)
    {
        using var reader = new AuditLineReader(stream, limit);
        long count = 0;
        long intactLength = 0;
        var previous = AuditChain.GenesisHash;
        while (await reader.ReadLineAsync(synchronous, cancellationToken).ConfigureAwait(false))
        {
            var line = reader.LineNumber;
            if (!reader.Terminated)
            {
                return Torn(
                    $"line {line}: the last line is incomplete ({reader.Line.Length} bytes without a line end): a write was cut off, probably by a crash.");
            }

            if (!AuditJsonLine.TryParse(reader.Line.Span, checkCanonical: true, out var parsed, out var parseProblem))
            {
                if (!await reader.HasMoreAsync(synchronous, cancellationToken).ConfigureAwait(false))
                {
                    return Torn($"line {line}: the last line is {parseProblem}: a write was cut off, probably by a crash.");
                }

                return Broken($"line {line}: {parseProblem}; expected sequence {count + 1}.");
            }

            var problem = AuditChain.FindLinkProblem(parsed.Record, count + 1, previous)
                ?? AuditChain.FindHashProblem(parsed.Record, parsed.EntryJson)
                ?? (parsed.Canonical
                    ? null
                    : $"sequence {parsed.Record.Sequence}: the line's bytes differ from the record's canonical form: the line was changed after it was written.");
            if (problem is not null)
            {
                return Broken($"line {line}: {problem}");
            }

            count++;
            previous = parsed.Record.Hash;
            intactLength = reader.LineEnd;

            Result Torn(string text) => new(new AuditVerification(false, count, count + 1, line, text, TornTail: true), count, previous, intactLength);

            Result Broken(string text) => new(new AuditVerification(false, count, count + 1, line, text, TornTail: false), count, previous, intactLength);
        }

        return new Result(new AuditVerification(true, count, null, null, null, TornTail: false), count, previous, intactLength);
    }

    /// <summary>What a scan found.</summary>
    /// <param name="Verification">The verdict, with the first broken line.</param>
    /// <param name="LastSequence">The last intact record's sequence (0 when none).</param>
    /// <param name="LastHash">The last intact record's hash (<see cref="AuditChain.GenesisHash"/> when none).</param>
    /// <param name="IntactLength">The byte offset just past the last intact record's line.</param>
    public readonly record struct Result(AuditVerification Verification, long LastSequence, string LastHash, long IntactLength);
}
