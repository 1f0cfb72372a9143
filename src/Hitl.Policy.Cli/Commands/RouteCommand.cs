using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl route --policy P --cases CASES.jsonl</c>: one decision per case line. A line that cannot be read gets an error
/// line naming its number and the run goes on; the exit code says whether any line failed.
/// </summary>
internal static class RouteCommand
{
    public static Command Create(CommandIo io)
    {
        var policy = CommonOptions.Policy();
        var cases = new Option<string>("--cases", "-c")
        {
            Description = "The cases, one JSON object per line (JSON Lines); '-' reads standard input.",
            HelpName = "CASES.jsonl",
            Required = true,
        };
        var format = CommonOptions.Format("json: one decision per line (default); table: aligned columns for people.", "json", "table");
        var command = new Command("route", "Route each case of a JSON Lines file through a policy and print one decision per line.")
        {
            policy,
            cases,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(policy)!, parse.GetValue(cases)!, parse.GetValue(format) == "table")));
        return command;
    }

    private static int Run(CommandIo io, string policyPath, string casesPath, bool table)
    {
        var policy = PolicyFile.Load(policyPath);
        using var reader = casesPath == "-" ? null : InputFile.OpenText(casesPath, "cases file");
        var input = reader ?? io.In;
        var source = reader is null ? "standard input" : casesPath;
        var rows = new List<string[]>();
        var routes = new SortedDictionary<RouteLevel, int>();
        var failed = new List<int>();
        var lines = new LineInput(input, source, io.MaxLineLength);
        while (lines.ReadLine() is { } line)
        {
            var lineNumber = lines.LineNumber;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Signals signals;
            try
            {
                signals = CaseReader.Parse(line, policy.Cases);
            }
            catch (CaseFormatException ex)
            {
                failed.Add(lineNumber);
                if (table)
                {
                    rows.Add([Number(lineNumber), "", "", "error", ex.Message]);
                }
                else
                {
                    // Standard output stays one JSON line per case; people watching a redirected run see the error here.
                    io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {source} line {lineNumber}: {ex.Message}"));
                    var n = lineNumber;
                    io.Out.WriteLine(JsonOutput.Build(w =>
                    {
                        w.WriteStartObject();
                        w.WriteNumber("line", n);
                        w.WriteString("error", ex.Message);
                        w.WriteEndObject();
                    }));
                }

                continue;
            }

            var decision = policy.Policy.Route(signals);
            routes[decision.Route] = routes.GetValueOrDefault(decision.Route) + 1;
            if (table)
            {
                rows.Add([Number(lineNumber), signals.RequestId ?? "", DecisionText.Action(decision, signals.ActionType) ?? "", decision.Route.ToJsonName(), Details(decision)]);
            }
            else
            {
                var n = lineNumber;
                io.Out.WriteLine(JsonOutput.Build(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("line", n);
                    w.WriteString("requestId", signals.RequestId);
                    DecisionJson.WriteProperties(w, decision, signals.ActionType);
                    w.WriteEndObject();
                }));
            }
        }

        if (table)
        {
            TableWriter.Write(io.Out, ["LINE", "REQUEST", "ACTION", "ROUTE", "DETAILS"], rows);
        }

        var summary = Summary(source, routes, failed);
        (table ? io.Out : io.Error).WriteLine(summary);
        return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Details(Decision decision)
    {
        var parts = new List<string>();
        var summary = DecisionText.Summary(decision);
        var comma = summary.IndexOf(", ", StringComparison.Ordinal);
        if (comma > 0)
        {
            parts.Add(summary[(comma + 2)..]);
        }

        parts.Add("by " + decision.DecidedBy);
        var flags = string.Join(' ', DecisionText.Flags(decision.Flags));
        if (flags.Length > 0)
        {
            parts.Add("[" + flags + "]");
        }

        if (decision.InvalidSignal is { } invalid)
        {
            parts.Add("invalid " + invalid);
        }

        return string.Join("; ", parts);
    }

    private static string Summary(string source, SortedDictionary<RouteLevel, int> routes, List<int> failed)
    {
        var routed = routes.Values.Sum();
        var text = $"{PolicyFile.Plural(routed, "case")} routed from {source}";
        if (routes.Count > 0)
        {
            text += ": " + string.Join(", ", routes.Select(r => Number(r.Value) + " " + r.Key.ToJsonName()));
        }

        text += failed.Count == 0
            ? "."
            : $"; {PolicyFile.Plural(failed.Count, "line")} failed (line{(failed.Count == 1 ? "" : "s")} {string.Join(", ", failed.Take(10).Select(Number))}{(failed.Count > 10 ? ", ..." : "")}).";
        return text;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
