namespace Hitl.Policy.Audit;

/// <summary>
/// Reads a JSON Lines trail from the start and checks every line: that it is a record, in canonical form, numbered
/// next, linked to the hash before it and matching its own hash. Stops at the first problem. A last line that has no
/// line feed, or that is not a record at all, is a torn tail (a write cut off by a crash); anything else is a break.
/// </summary>
internal static class AuditTrailScan
{
    public static ValueTask<Result> RunAsync(Stream stream, long limit, bool synchronous, CancellationToken cancellationToken) =>
        RunAsync(stream, limit, new Settings(null, null, AuditLineReader.DefaultMaxLineLength), synchronous, cancellationToken);

    public static async ValueTask<Result> RunAsync(Stream stream, long limit, Settings settings, bool synchronous, CancellationToken cancellationToken)
    {
        using var reader = new AuditLineReader(stream, limit, settings.MaxLineLength);
        var checker = new AuditChainChecker(settings.Keys, settings.Checkpoint);
        long intactLength = 0;
        if (checker.CheckpointFailure() is { } badCheckpoint)
        {
            return Done(badCheckpoint);
        }

        while (await reader.ReadLineAsync(synchronous, cancellationToken).ConfigureAwait(false))
        {
            var line = reader.LineNumber;
            if (!reader.Terminated)
            {
                return Torn(
                    $"the last line is incomplete ({reader.LineLength} bytes without a line end): a write was cut off, probably by a crash.");
            }

            if (reader.Overlong)
            {
                var tooLong = $"{reader.LineLength} bytes long, more than the {reader.MaxLineLength} bytes a record may take";
                if (!await reader.HasMoreAsync(synchronous, cancellationToken).ConfigureAwait(false))
                {
                    return Torn($"the last line is {tooLong}, so not a record: a write was cut off or garbage was appended.");
                }

                return Broken($"the line is {tooLong}; expected sequence {checker.Count + 1}.");
            }

            if (!AuditJsonLine.TryParse(reader.Line.Span, checkCanonical: true, out var parsed, out var parseProblem))
            {
                if (!await reader.HasMoreAsync(synchronous, cancellationToken).ConfigureAwait(false))
                {
                    return Torn($"the last line is {parseProblem}: a write was cut off, probably by a crash.");
                }

                return Broken($"{parseProblem}; expected sequence {checker.Count + 1}.");
            }

            var problem = parsed.Canonical
                ? checker.Check(parsed.Record, parsed.EntryJson)
                : AuditChain.FindLinkProblem(parsed.Record, checker.Count + 1, checker.LastHash)
                    ?? $"sequence {parsed.Record.Sequence}: the line's bytes differ from the record's canonical form: the line was changed after it was written.";
            if (problem is not null)
            {
                return Broken(problem);
            }

            intactLength = reader.LineEnd;

            // A torn tail is reported as torn only when the intact records before it satisfy the checkpoint.
            Result Torn(string text) => Done(checker.Finish(line, torn: checker.Fail(text, line, tornTail: true)));

            Result Broken(string text) => Done(checker.Fail(text, line));
        }

        return Done(checker.Finish((int)Math.Min(checker.Count + 1, int.MaxValue)));

        Result Done(AuditVerification verification) => new(verification, checker.Count, checker.LastHash, intactLength, checker.FirstKeyId);
    }

    /// <summary>How to check: the keys, a checkpoint, the longest line.</summary>
    /// <param name="Keys">The key ring; <see langword="null"/> checks keyed records' links only.</param>
    /// <param name="Checkpoint">A checkpoint the trail must reach unchanged.</param>
    /// <param name="MaxLineLength">The longest line read; longer ones are breaks (or a torn tail when last).</param>
    public sealed record Settings(AuditKeyRing? Keys, AuditCheckpoint? Checkpoint, int MaxLineLength);

    /// <summary>What a scan found.</summary>
    /// <param name="Verification">The verdict, with the first broken line.</param>
    /// <param name="LastSequence">The last intact record's sequence (0 when none).</param>
    /// <param name="LastHash">The last intact record's hash (<see cref="AuditChain.GenesisHash"/> when none).</param>
    /// <param name="IntactLength">The byte offset just past the last intact record's line.</param>
    /// <param name="FirstKeyId">The key id of the first keyed record, when any.</param>
    public readonly record struct Result(AuditVerification Verification, long LastSequence, string LastHash, long IntactLength, string? FirstKeyId);
}
