using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl shadow --active A --candidate B --cases CASES.jsonl [--audit AUDIT.jsonl]</c>: replays cases through both
/// policies and reports where they differ; with the audit trail, what reviewers decided on those cases.
/// <c>hitl shadow --records SHADOW.jsonl [--audit AUDIT.jsonl]</c>: reports the differences a live shadow recorded
/// (<c>AddShadowPolicy</c>), joined with the trail on their request id.
/// </summary>
internal static class ShadowCommand
{
    public static Command Create(CommandIo io)
    {
        var active = new Option<string?>("--active")
        {
            Description = "The policy in force (JSON). Required to replay cases.",
            HelpName = "A.json",
        };
        var candidate = new Option<string?>("--candidate")
        {
            Description = "The policy to compare with it (JSON). Required to replay cases.",
            HelpName = "B.json",
        };
        var cases = new Option<string?>("--cases", "-c")
        {
            Description = "The cases, one JSON object per line, as for 'hitl route'; '-' reads standard input. Required to replay cases.",
            HelpName = "CASES.jsonl",
        };
        var records = new Option<string?>("--records")
        {
            Description = "Instead of replaying: the differences a live shadow recorded (AddShadowPolicy, RecordPath), one JSON object per line of at most 64 KiB; '-' reads standard input. Not with --active, --candidate or --cases.",
            HelpName = "SHADOW.jsonl",
        };
        var audit = new Option<string?>("--audit", "-a")
        {
            Description = "The audit trail (JSON Lines, or a SQLite case store), to show what reviewers decided on the differing cases (joined on caseId, else requestId).",
            HelpName = "AUDIT.jsonl|STORE.db",
        };
        var format = CommonOptions.Format("table: tables for people (default); json: the report for tools.", "table", "json");
        var command = new Command("shadow", "Replay cases through an active and a candidate policy, or read what a live shadow recorded, and report where they differ, and what reviewers decided there.")
        {
            active,
            candidate,
            cases,
            records,
            audit,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var json = parse.GetValue(format) == "json";
            var replay = new[] { ("--active", parse.GetValue(active)), ("--candidate", parse.GetValue(candidate)), ("--cases", parse.GetValue(cases)) };
            if (parse.GetValue(records) is { } recordsPath)
            {
                var given = replay.Where(o => o.Item2 is not null).Select(o => o.Item1).ToList();
                if (given.Count > 0)
                {
                    throw new CliException(
                        $"--records reads what a live shadow recorded and cannot be combined with {string.Join(", ", given)}, which replay cases through two policies: give either --records, or --active, --candidate and --cases.");
                }

                return ShadowRecordsReport.Run(io, recordsPath, parse.GetValue(audit), json);
            }

            if (replay.FirstOrDefault(o => o.Item2 is null) is { Item1: { } missing })
            {
                throw new CliException($"Option '{missing}' is required to replay cases (with --active, --candidate and --cases); or give --records SHADOW.jsonl to read what a live shadow recorded.");
            }

            return Run(io, replay[0].Item2!, replay[1].Item2!, replay[2].Item2!, parse.GetValue(audit), json);
        }));
        return command;
    }

    private static int Run(CommandIo io, string activePath, string candidatePath, string casesPath, string? auditPath, bool json)
    {
        var active = PolicyFile.Load(activePath);
        var candidate = PolicyFile.Load(candidatePath);
        var schema = CaseSchema.Union(active.Definition, $"the active policy '{activePath}'", candidate.Definition, $"the candidate policy '{candidatePath}'");
        var (replay, lines, failed) = ReadCases(io, casesPath, schema);

        IReadOnlyList<ObservedCase> observedCases = [];
        if (auditPath is not null)
        {
            var file = AuditFile.Read(auditPath);
            if (file.Warning() is { } warning)
            {
                io.Error.WriteLine(warning);
            }

            observedCases = ObservedCases.Collect(file.Records).Cases;
        }

        var run = ShadowReplay.Run(active.Policy, candidate.Policy, replay);
        var report = ShadowReport.Build(run, observedCases);
        if (json)
        {
            io.Out.WriteLine(report.ToJson());
        }
        else
        {
            var actions = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (caseId, context) in replay)
            {
                actions.TryAdd(caseId, context.ActionType);
            }

            WriteTables(io.Out, report, lines, actions, withVerdicts: auditPath is not null);
        }

        if (failed.Count > 0)
        {
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{PolicyFile.Plural(failed.Count, "case line")} could not be read and {(failed.Count == 1 ? "was" : "were")} left out (line{(failed.Count == 1 ? "" : "s")} {string.Join(", ", failed.Take(10))}{(failed.Count > 10 ? ", ..." : "")})."));
        }

        return report.Differing == 0 && failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static (List<(string CaseId, Signals Context)> Cases, Dictionary<string, int> Lines, List<int> Failed) ReadCases(CommandIo io, string path, CaseSchema schema)
    {
        using var reader = path == "-" ? null : InputFile.OpenText(path, "cases file");
        var input = reader ?? io.In;
        var source = reader is null ? "standard input" : path;
        var cases = new List<(string, Signals)>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var failed = new List<int>();
        var reading = new LineInput(input, source, io.MaxLineLength);
        while (reading.ReadLine() is { } line)
        {
            var lineNumber = reading.LineNumber;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                var signals = CaseReader.Parse(line, schema, out var caseId);

                // The id the audit trail carries: the case id when given, else the request id, else the line.
                var id = caseId ?? signals.RequestId ?? "line " + lineNumber.ToString(CultureInfo.InvariantCulture);
                lines.TryAdd(id, lineNumber);
                cases.Add((id, signals));
            }
            catch (CaseFormatException ex)
            {
                failed.Add(lineNumber);
                io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {source} line {lineNumber}: {ex.Message}"));
            }
        }

        return (cases, lines, failed);
    }

    internal static void WriteTables(TextWriter output, ShadowReport report, Dictionary<string, int> lines, Dictionary<string, string?> actions, bool withVerdicts)
    {
        var looser = report.Actions.Sum(a => a.CandidateLooser);
        var stricter = report.Actions.Sum(a => a.CandidateStricter);
        var tier = report.Actions.Sum(a => a.TierOnly);
        var faults = report.Actions.Sum(a => a.CandidateFaults);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Candidate {report.CandidatePolicy} beside active {report.ActivePolicy}: {report.Differing} of {PolicyFile.Plural(report.Observed, "case")} differ ({looser} looser, {stricter} stricter, {tier} tier only, {PolicyFile.Plural(faults, "fault")})."));
        output.WriteLine();
        string[] headers = withVerdicts
            ? ["ACTION", "CASES", "DIFFER", "LOOSER", "STRICTER", "TIER", "FAULTS", "LOOSER AGREED/OVERRIDDEN", "STRICTER AGREED/OVERRIDDEN"]
            : ["ACTION", "CASES", "DIFFER", "LOOSER", "STRICTER", "TIER", "FAULTS"];
        TableWriter.Write(output, headers, report.Actions.Select(a =>
        {
            string[] counts = [a.ActionType, Count(a.Observed), Count(a.Differing), Count(a.CandidateLooser), Count(a.CandidateStricter), Count(a.TierOnly), Count(a.CandidateFaults)];
            return withVerdicts
                ? [.. counts, Count(a.LooserVerdicts.Agreed) + "/" + Count(a.LooserVerdicts.Overridden), Count(a.StricterVerdicts.Agreed) + "/" + Count(a.StricterVerdicts.Overridden)]
                : counts;
        }).ToList());

        if (report.Cases.Count == 0)
        {
            return;
        }

        output.WriteLine();
        string[] caseHeaders = withVerdicts
            ? ["LINE", "CASE", "ACTION", "DIFFERENCE", "ACTIVE", "CANDIDATE", "VERDICT", "REVIEWERS"]
            : ["LINE", "CASE", "ACTION", "DIFFERENCE", "ACTIVE", "CANDIDATE"];
        TableWriter.Write(output, caseHeaders, report.Cases.Select(c =>
        {
            var d = c.Difference;
            string[] cells =
            [
                lines.TryGetValue(d.CaseId, out var line) ? Count(line) : "",
                d.CaseId,
                ActionOf(d, actions) ?? "(none)",
                KindName(d.Kind),
                Describe(d.ActiveRoute, d.ActiveTier, d.ActiveDecidedBy),
                d.CandidateRoute is { } route ? Describe(route, d.CandidateTier, d.CandidateDecidedBy) : "(threw)",
            ];
            return withVerdicts
                ? [.. cells, c.Verdict?.ToJsonName() ?? "(not in trail)", string.Join(", ", c.Reviewers)]
                : cells;
        }).ToList());
    }

    /// <summary>The case's own action type for one the policies do not declare (their decisions name it <c>*</c>).</summary>
    private static string? ActionOf(ShadowDifference difference, Dictionary<string, string?> actions) =>
        difference.ActionType == UndeclaredPlan && actions.TryGetValue(difference.CaseId, out var action) ? action : difference.ActionType;

    /// <summary>The name a decision gives the plan of undeclared action types.</summary>
    private const string UndeclaredPlan = "*";

    internal static string Describe(RouteLevel route, string? tier, string? decidedBy) =>
        route.ToJsonName() + (tier is null ? "" : " (" + tier + ")") + (decidedBy is null ? "" : " by " + decidedBy);

    internal static string KindName(ShadowDifferenceKind kind) => kind switch
    {
        ShadowDifferenceKind.CandidateLooser => "looser",
        ShadowDifferenceKind.CandidateStricter => "stricter",
        ShadowDifferenceKind.Tier => "tier",
        _ => "candidate-fault",
    };

    internal static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
