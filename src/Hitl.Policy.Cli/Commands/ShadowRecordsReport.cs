using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl shadow --records SHADOW.jsonl [--audit AUDIT.jsonl|STORE.db]</c>: the differences a live shadow recorded, as a
/// <see cref="ShadowRun"/> put through <see cref="ShadowReport"/>. A record joins the trail on its request id: the case
/// of the trail whose records carry that request id (else a case with that id); a record without one joins nothing.
/// Every value of a record is hostile text: tables escape it, and the header is built from escaped cells.
/// </summary>
internal static class ShadowRecordsReport
{
    private const int ShownPolicies = 3;

    public static int Run(CommandIo io, string recordsPath, string? auditPath, bool json)
    {
        var (records, failed) = ShadowRecordFile.Read(recordsPath, io.In, io.Error);

        IReadOnlyList<ObservedCase> observedCases = [];
        var caseOfRequest = new Dictionary<string, string>(StringComparer.Ordinal);
        if (auditPath is not null)
        {
            var file = AuditFile.Read(auditPath);
            if (file.Warning() is { } warning)
            {
                io.Error.WriteLine(warning);
            }

            foreach (var record in file.Records)
            {
                if (record.Entry.RequestId is { } requestId)
                {
                    caseOfRequest.TryAdd(requestId, record.Entry.CaseId);
                }
            }

            observedCases = ObservedCases.Collect(file.Records).Cases;
        }

        var observed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var differences = new List<ShadowDifference>(records.Count);
        foreach (var (line, record) in records)
        {
            var action = record.ActionType ?? "(none)";
            observed[action] = observed.GetValueOrDefault(action) + 1;
            var caseId = record.RequestId is { } requestId
                ? caseOfRequest.GetValueOrDefault(requestId, requestId)
                : "line " + line.ToString(CultureInfo.InvariantCulture);
            differences.Add(record.ToDifference(caseId));
        }

        var run = new ShadowRun(
            Names(records.Select(r => r.Record.ActivePolicy)), Names(records.Select(r => r.Record.CandidatePolicy)), observed, differences, 0);
        var report = ShadowReport.Build(run, observedCases, io.Time);
        if (json)
        {
            io.Out.WriteLine(report.ToJson());
        }
        else
        {
            WriteTables(io.Out, report, records, withVerdicts: auditPath is not null);
        }

        if (failed.Count > 0)
        {
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{PolicyFile.Plural(failed.Count, "record line")} could not be read and {(failed.Count == 1 ? "was" : "were")} left out (line{(failed.Count == 1 ? "" : "s")} {string.Join(", ", failed.Take(10))}{(failed.Count > 10 ? ", ..." : "")})."));
        }

        return report.Differing == 0 && failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The policies the records name, in the order first seen: one, a few, or the first few and how many more.</summary>
    private static string Names(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch
        {
            0 => "(none)",
            <= ShownPolicies => string.Join(", ", distinct),
            _ => string.Join(", ", distinct.Take(ShownPolicies)) + string.Create(CultureInfo.InvariantCulture, $" and {distinct.Count - ShownPolicies} more"),
        };
    }

    private static void WriteTables(TextWriter output, ShadowReport report, List<ShadowRecordLine> records, bool withVerdicts)
    {
        var looser = report.Actions.Sum(a => a.CandidateLooser);
        var stricter = report.Actions.Sum(a => a.CandidateStricter);
        var tier = report.Actions.Sum(a => a.TierOnly);
        var faults = report.Actions.Sum(a => a.CandidateFaults);
        var span = records.Count == 0
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $", recorded {Time(records.Min(r => r.Record.At))} to {Time(records.Max(r => r.Record.At))}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Live shadow: candidate {TerminalText.Cell(report.CandidatePolicy)} beside active {TerminalText.Cell(report.ActivePolicy)}: {PolicyFile.Plural(report.Differing, "recorded difference")} ({looser} looser, {stricter} stricter, {tier} tier only, {PolicyFile.Plural(faults, "fault")}){span}."));
        if (report.Actions.Count == 0)
        {
            return;
        }

        output.WriteLine();
        string[] headers = withVerdicts
            ? ["ACTION", "RECORDS", "LOOSER", "STRICTER", "TIER", "FAULTS", "LOOSER AGREED/OVERRIDDEN", "STRICTER AGREED/OVERRIDDEN"]
            : ["ACTION", "RECORDS", "LOOSER", "STRICTER", "TIER", "FAULTS"];
        TableWriter.Write(output, headers, report.Actions.Select(a =>
        {
            string[] counts = [a.ActionType, ShadowCommand.Count(a.Differing), ShadowCommand.Count(a.CandidateLooser), ShadowCommand.Count(a.CandidateStricter), ShadowCommand.Count(a.TierOnly), ShadowCommand.Count(a.CandidateFaults)];
            return withVerdicts
                ? [.. counts, ShadowCommand.Count(a.LooserVerdicts.Agreed) + "/" + ShadowCommand.Count(a.LooserVerdicts.Overridden), ShadowCommand.Count(a.StricterVerdicts.Agreed) + "/" + ShadowCommand.Count(a.StricterVerdicts.Overridden)]
                : counts;
        }).ToList());

        output.WriteLine();
        string[] caseHeaders = withVerdicts
            ? ["LINE", "AT", "CASE", "ACTION", "DIFFERENCE", "ACTIVE", "CANDIDATE", "VERDICT", "REVIEWERS"]
            : ["LINE", "AT", "CASE", "ACTION", "DIFFERENCE", "ACTIVE", "CANDIDATE"];

        // The report keeps the run's differences in order, one per record.
        TableWriter.Write(output, caseHeaders, report.Cases.Select((c, i) =>
        {
            var d = c.Difference;
            string[] cells =
            [
                ShadowCommand.Count(records[i].Line),
                Time(records[i].Record.At),
                d.CaseId,
                d.ActionType ?? "(none)",
                ShadowCommand.KindName(d.Kind),
                ShadowCommand.Describe(d.ActiveRoute, d.ActiveTier, d.ActiveDecidedBy),
                d.CandidateRoute is { } route ? ShadowCommand.Describe(route, d.CandidateTier, d.CandidateDecidedBy) : "(threw)",
            ];
            return withVerdicts
                ? [.. cells, c.Verdict?.ToJsonName() ?? "(not in trail)", string.Join(", ", c.Reviewers)]
                : cells;
        }).ToList());
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
