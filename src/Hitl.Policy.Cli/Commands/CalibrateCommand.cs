using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl calibrate --audit AUDIT.jsonl --policy POLICY.json</c>: how often people agreed with the model per action type
/// and confidence band, and the lowest auto-execute threshold the evidence supports; <c>--propose</c> writes the policy
/// change for a person to approve. Nothing is applied.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CommandIo io)
    {
        var audit = new Option<string>("--audit", "-a")
        {
            Description = "The audit trail the observed cases are read from: JSON Lines, or a SQLite case store (told apart by content).",
            HelpName = "AUDIT.jsonl|STORE.db",
            Required = true,
        };
        var policy = CommonOptions.Policy();
        policy.Description = "The active policy: its confidence bands and current auto-execute thresholds.";
        var target = new Option<double>("--target")
        {
            Description = "The agreement rate a threshold must meet, between 0 and 1.",
            DefaultValueFactory = _ => 0.99,
        };
        var confidence = new Option<double>("--confidence")
        {
            Description = "The confidence level of intervals and bounds, between 0 and 1.",
            DefaultValueFactory = _ => 0.95,
        };
        var method = new Option<string>("--method")
        {
            Description = "How intervals are computed: clopper-pearson never falls below the stated confidence; wilson is narrower.",
            HelpName = "clopper-pearson|wilson",
            DefaultValueFactory = _ => "clopper-pearson",
        };
        method.AcceptOnlyFromAmong("clopper-pearson", "wilson");
        var minSample = new Option<int>("--min-sample")
        {
            Description = "The fewest judged cases behind a recommended threshold; no loosening is proposed on fewer.",
            HelpName = "N",
            DefaultValueFactory = _ => new CalibrationOptions().MinimumSample,
        };
        var format = CommonOptions.Format("table: tables for people (default); json: the report for tools.", "table", "json");
        var propose = new Option<string?>("--propose")
        {
            Description = "Write the proposed policy (thresholds moved as the evidence says) to this file and print the diff. Nothing is applied.",
            HelpName = "OUT.json",
        };
        var command = new Command("calibrate", "Measure how often reviewers agreed with the model and recommend the auto-execute threshold the evidence supports.")
        {
            audit,
            policy,
            target,
            confidence,
            method,
            minSample,
            format,
            propose,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var options = new CalibrationOptions
            {
                Target = parse.GetValue(target),
                Confidence = parse.GetValue(confidence),
                Method = parse.GetValue(method) == "wilson" ? IntervalMethod.Wilson : IntervalMethod.ClopperPearson,
                MinimumSample = parse.GetValue(minSample),
            };
            return Run(io, parse.GetValue(audit)!, parse.GetValue(policy)!, options, parse.GetValue(format) == "json", parse.GetValue(propose));
        }));
        return command;
    }

    private static int Run(CommandIo io, string auditPath, string policyPath, CalibrationOptions options, bool json, string? proposePath)
    {
        CheckOptions(options);
        var policy = PolicyFile.Load(policyPath);
        var file = AuditFile.Read(auditPath);
        if (!file.Verification.IsIntact && !file.Verification.TornTail)
        {
            // Evidence for more autonomy must not rest on a trail that may have been changed.
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"The audit trail '{auditPath}' is broken {AuditFile.Where(file.Verification)}: {file.Verification.Problem} Calibration needs an intact trail; run 'hitl audit verify {auditPath}'."));
        }

        if (file.Warning() is { } warning)
        {
            io.Error.WriteLine(warning);
        }

        var observedCases = ObservedCases.Collect(file.Records);
        var report = Calibrator.Calibrate(observedCases.Cases, policy.Definition, options);
        if (json)
        {
            io.Out.WriteLine(report.ToJson());
        }
        else
        {
            io.Out.Write(report.ToText());
        }

        if (proposePath is not null)
        {
            Propose(json ? io.Error : io.Out, policy, report, proposePath);
        }

        return report.Actions.Any(a => a.Recommendation.Kind == RecommendationKind.Tighten) ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static void CheckOptions(CalibrationOptions options)
    {
        if (!(options.Target > 0 && options.Target < 1))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--target must lie strictly between 0 and 1, for example 0.99; got {options.Target}."));
        }

        if (!(options.Confidence > 0 && options.Confidence < 1))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--confidence must lie strictly between 0 and 1, for example 0.95; got {options.Confidence}."));
        }

        if (options.MinimumSample < 1)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--min-sample must be at least 1; got {options.MinimumSample}."));
        }
    }

    private static void Propose(TextWriter output, PolicyFile policy, CalibrationReport report, string path)
    {
        var proposal = PolicyProposer.Propose(policy.Definition, report);
        output.WriteLine();
        if (!proposal.HasChanges)
        {
            output.WriteLine($"No change proposed: the evidence moves no threshold. '{path}' was not written.");
            return;
        }

        if (proposal.Errors.Count > 0)
        {
            throw new CliException(
                $"The proposed policy does not validate, so '{path}' was not written:",
                ExitCodes.Usage,
                proposal.Errors.Select(e => PolicyErrorText.Format(path, e)).ToList());
        }

        try
        {
            File.WriteAllText(path, proposal.AfterJson);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot write the proposed policy to '{path}': {ex.Message}", ex);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Proposed policy {proposal.After.Id} {proposal.After.Version} written to '{path}' ({PolicyFile.Plural(proposal.Changes.Count, "threshold change")}). Nothing is applied: review the diff, then activate it yourself."));
        output.WriteLine();
        output.Write(proposal.Diff);
        if (!proposal.Diff.EndsWith('\n'))
        {
            output.WriteLine();
        }
    }
}
