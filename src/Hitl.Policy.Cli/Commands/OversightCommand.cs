using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl oversight AUDIT.jsonl|STORE.db</c>: the people in the loop and the auto path over a trail: reviewers and rules
/// (agreement, overrides, review time), rubber stamps, drift, the auto path's error rate, and outcomes by segment with
/// disparity tests. Exits 1 when a finding crosses its threshold, for a nightly job.
/// </summary>
internal static class OversightCommand
{
    public static Command Create(CommandIo io)
    {
        var trail = AuditCommand.Trail();
        var defaults = new OversightOptions();
        var minReviews = new Option<int>("--min-reviews")
        {
            Description = "The fewest reviews (or judged cases) a reviewer, rule or action type needs before it is judged for rubber stamps and drift.",
            HelpName = "N",
            DefaultValueFactory = _ => defaults.MinimumReviews,
        };
        var maxAutoError = new Option<double>("--max-auto-error")
        {
            Description = "The error rate an action type's auto path may have at most, as its audit sample measures it; flagged when the 95% interval lies above it.",
            HelpName = "RATE",
            DefaultValueFactory = _ => defaults.MaxAutoErrorRate,
        };
        var minSample = new Option<int>("--min-sample")
        {
            Description = "The fewest trials (cases, or answered reviews) a segment value needs before it is tested for a disparity.",
            HelpName = "N",
            DefaultValueFactory = _ => defaults.Segments.MinimumSample,
        };
        var segment = new Option<string[]>("--segment", "-s")
        {
            Description = "Only this segment (repeatable); every segment recorded on the decisions when omitted.",
            HelpName = "NAME",
            AllowMultipleArgumentsPerToken = false,
        };
        var format = CommonOptions.Format("table: tables for people (default); json: the report for tools.", "table", "json");
        var command = new Command("oversight", "Report on the people in the loop and the auto path: reviewers, rules, rubber stamps, drift, auto-path errors; exit 1 on a finding.")
        {
            trail,
            minReviews,
            maxAutoError,
            minSample,
            segment,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var segments = parse.GetValue(segment) is { Length: > 0 } names ? names.ToList() : null;
            var options = new OversightOptions
            {
                MinimumReviews = parse.GetValue(minReviews),
                MaxAutoErrorRate = parse.GetValue(maxAutoError),
                Segments = new SegmentOptions { MinimumSample = parse.GetValue(minSample), Segments = segments },
            };
            return Run(io, parse.GetValue(trail)!, options, parse.GetValue(format) == "json");
        }));
        return command;
    }

    private static int Run(CommandIo io, string path, OversightOptions options, bool json)
    {
        CheckOptions(options);
        var file = AuditFile.Read(path);
        if (file.Warning() is { } warning)
        {
            io.Error.WriteLine(warning);
        }

        var observed = ObservedCases.Collect(file.Records);
        var report = OversightAnalyzer.Analyze(observed.Cases, options);
        if (json)
        {
            io.Out.WriteLine(report.ToJson());
        }
        else
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: {PolicyFile.Plural(observed.Cases.Count, "decided case")} ({(file.Verification.IsIntact ? "chain intact" : "chain NOT intact, read up to the break")})."));
            io.Out.WriteLine();
            io.Out.Write(report.ToText());
            var alerts = OversightMonitor.AlertsOf(report);
            io.Out.WriteLine();
            io.Out.WriteLine(alerts.Count == 0
                ? "No finding crosses its threshold."
                : string.Create(CultureInfo.InvariantCulture, $"{PolicyFile.Plural(alerts.Count, "finding")} {(alerts.Count == 1 ? "crosses its threshold" : "cross their thresholds")}: {string.Join(", ", alerts.GroupBy(a => a.Kind).Select(g => $"{g.Count()} {KindName(g.Key)}"))}."));
        }

        return report.HasFindings || !file.Verification.IsIntact ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static string KindName(OversightAlertKind kind) => kind switch
    {
        OversightAlertKind.RubberStamp => "rubber stamp",
        OversightAlertKind.Drift => "drift",
        OversightAlertKind.Disparity => "disparity",
        _ => "auto path above its bound",
    };

    private static void CheckOptions(OversightOptions options)
    {
        if (options.MinimumReviews < 1)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--min-reviews must be at least 1; got {options.MinimumReviews}."));
        }

        if (!(options.MaxAutoErrorRate >= 0 && options.MaxAutoErrorRate < 1))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--max-auto-error must lie in [0, 1), for example 0.02; got {options.MaxAutoErrorRate}."));
        }

        if (options.Segments.MinimumSample < 1)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--min-sample must be at least 1; got {options.Segments.MinimumSample}."));
        }
    }
}
