using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Cli.Stats;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit stats AUDIT.jsonl</c>: decisions by route and action type, escalation rate, review observedCases and review
/// times, over the intact part of the trail.
/// </summary>
internal static class AuditStatsCommand
{
    private static readonly RouteLevel[] Routes = Enum.GetValues<RouteLevel>();

    public static Command Create(CommandIo io)
    {
        var trail = AuditCommand.Trail();
        var format = CommonOptions.Format("table: aligned tables for people (default); json: one document for tools.", "table", "json");
        var command = new Command("stats", "Count an audit trail: decisions by route and action type, escalation rate, review outcomes, median review time.")
        {
            trail,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(trail)!, parse.GetValue(format) == "json")));
        return command;
    }

    private static int Run(CommandIo io, string path, bool json)
    {
        var stats = AuditStats.Read(path);
        if (AuditFile.Warning(path, stats.Verification) is { } warning)
        {
            io.Error.WriteLine(warning);
        }

        if (json)
        {
            io.Out.WriteLine(JsonOutput.Build(w => WriteJson(w, stats), indented: true));
        }
        else
        {
            WriteTables(io.Out, stats);
        }

        return stats.Verification.IsIntact ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static void WriteTables(TextWriter output, AuditStats stats)
    {
        var set = stats.Totals;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stats.Path}: {PolicyFile.Plural((int)Math.Min(set.RecordCount, int.MaxValue), "record")} ({(stats.Verification.IsIntact ? "chain intact" : "chain NOT intact, counted up to the break")}), {PolicyFile.Plural(set.Cases, "decided case")}."));
        if (set.CasesWithoutDecision > 0 || set.SupersededRecords > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Left out: {PolicyFile.Plural(set.CasesWithoutDecision, "case")} without a decision record, {PolicyFile.Plural(set.SupersededRecords, "record")} superseded by a correction."));
        }

        var rows = stats.Actions.Append(stats.All).ToList();
        output.WriteLine();
        output.WriteLine("Decisions by action type and route (escalated: decided as escalate, or escalated by a reviewer)");
        TableWriter.Write(
            output,
            ["ACTION", "CASES", .. Routes.Select(r => r.ToJsonName().ToUpperInvariant()), "ESCALATED"],
            rows.Select(a => (string[])[a.ActionType, Count(a.Decisions), .. Routes.Select(r => Count(a.Routes[(int)r])), Count(a.Escalated) + " (" + Percent(a.EscalationRate) + ")"]).ToList());

        output.WriteLine();
        output.WriteLine("Review outcomes (cases with at least one such act)");
        TableWriter.Write(
            output,
            ["ACTION", .. ActionStats.OutcomeActs.Select(a => a.Name.ToUpperInvariant())],
            rows.Select(a => (string[])[a.ActionType, .. a.Outcomes.Select(Count)]).ToList());

        output.WriteLine();
        output.WriteLine("Review time: from the decision to the first reviewer answer (approve, edit, reject or escalate)");
        TableWriter.Write(
            output,
            ["ACTION", "ANSWERED", "MEDIAN", "P90"],
            rows.Select(a => new[] { a.ActionType, Count(a.Answered), Duration(a.MedianFirstAnswer), Duration(a.P90FirstAnswer) }).ToList());
    }

    private static void WriteJson(Utf8JsonWriter w, AuditStats stats)
    {
        var set = stats.Totals;
        w.WriteStartObject();
        w.WriteString("file", stats.Path);
        w.WriteBoolean("intact", stats.Verification.IsIntact);
        w.WriteNumber("records", set.RecordCount);
        w.WriteNumber("cases", set.Cases);
        w.WriteNumber("casesWithoutDecision", set.CasesWithoutDecision);
        w.WriteNumber("supersededRecords", set.SupersededRecords);
        w.WriteString("reviewTime", "from the decision to the first reviewer answer (approve, edit, reject or escalate)");
        w.WriteStartObject("all");
        WriteAction(w, stats.All);
        w.WriteEndObject();
        w.WriteStartArray("actions");
        foreach (var action in stats.Actions)
        {
            w.WriteStartObject();
            w.WriteString("actionType", action.ActionType);
            WriteAction(w, action);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAction(Utf8JsonWriter w, ActionStats a)
    {
        w.WriteNumber("decisions", a.Decisions);
        w.WriteStartObject("routes");
        foreach (var route in Routes)
        {
            w.WriteNumber(route.ToJsonName(), a.Routes[(int)route]);
        }

        w.WriteEndObject();
        w.WriteNumber("escalated", a.Escalated);
        WriteNumber(w, "escalationRate", a.EscalationRate);
        w.WriteStartObject("outcomes");
        for (var i = 0; i < ActionStats.OutcomeActs.Length; i++)
        {
            w.WriteNumber(ActionStats.OutcomeActs[i].Name, a.Outcomes[i]);
        }

        w.WriteEndObject();
        w.WriteNumber("answered", a.Answered);
        WriteNumber(w, "medianReviewSeconds", a.MedianFirstAnswer?.TotalSeconds);
        WriteNumber(w, "p90ReviewSeconds", a.P90FirstAnswer?.TotalSeconds);
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Math.Round(v, 6));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    /// <summary>A duration people read at a glance: <c>45s</c>, <c>12m 05s</c>, <c>3h 20m</c>, <c>2d 04h</c>.</summary>
    internal static string Duration(TimeSpan? value)
    {
        if (value is not { } t)
        {
            return "-";
        }

        var c = CultureInfo.InvariantCulture;
        return t.TotalSeconds < 60 ? t.TotalSeconds.ToString("0.#", c) + "s"
            : t.TotalMinutes < 60 ? string.Create(c, $"{(int)t.TotalMinutes}m {t.Seconds:00}s")
            : t.TotalHours < 24 ? string.Create(c, $"{(int)t.TotalHours}h {t.Minutes:00}m")
            : string.Create(c, $"{(int)t.TotalDays}d {t.Hours:00}h");
    }
}
