using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Review;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl cases show STORE.db CASE-ID</c>: one case with its details and its history (the audit records of the case,
/// in order). The payload is the model's output: in a table it is shown escaped and cut short, in JSON in full.
/// </summary>
internal static class CasesShowCommand
{
    /// <summary>The most characters of the payload a table shows.</summary>
    internal const int PayloadWidth = 400;

    public static Command Create(CommandIo io)
    {
        var store = CasesCommand.Store();
        var id = new Argument<string>("CASE-ID") { Description = "The case id." };
        var format = CommonOptions.Format("table: the case and its history for people (default); json: {\"case\": the stored case record, \"history\": its audit records} for tools.", "table", "json");
        var command = new Command("show", "Show one case: its state, route, approvals, people, model, policy, times, outcome, and its audit history.")
        {
            store,
            id,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () => Run(io, parse.GetValue(store)!, parse.GetValue(id)!, parse.GetValue(format) == "json")));
        return command;
    }

    private static int Run(CommandIo io, string path, string caseId, bool json)
    {
        using var store = CaseStoreFile.Open(path);
        var record = CaseStoreFile.Read(path, () => store.GetAsync(caseId).AsTask().GetAwaiter().GetResult())
            ?? throw new CliException($"There is no case '{CaseText.Shorten(caseId, 200)}' in the case store '{path}' (or it was purged after its retention). 'hitl cases list {path} --state all' lists the cases.");
        List<(long Sequence, string Line)> history;
        using (var reader = CaseStoreFile.History(store, path))
        {
            history = reader.Read(record.Id);
        }

        if (json)
        {
            io.Out.WriteLine(JsonOutput.Build(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("file", path);
                    w.WritePropertyName("case");
                    w.WriteRawValue(CaseRecordJson.Serialize(record));
                    w.WriteStartArray("history");
                    foreach (var (sequence, line) in history)
                    {
                        WriteRecord(w, path, sequence, line);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                },
                indented: true));
            return ExitCodes.Ok;
        }

        WriteDetails(io.Out, record, io.Time.GetUtcNow());
        io.Out.WriteLine();
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"History ({PolicyFile.Plural(history.Count, "audit record")}, in order)"));
        TableWriter.Write(
            io.Out,
            ["SEQ", "AT", "ACT", "ACTOR", "ROLE", "TIER", "CODE", "REASON"],
            history.Select(h => HistoryRow(path, h.Sequence, h.Line)).ToList());
        return ExitCodes.Ok;
    }

    /// <summary>Writes a stored audit line as the JSON object it is; a line that is not JSON stops the command, naming its sequence.</summary>
    internal static void WriteRecord(Utf8JsonWriter writer, string path, long sequence, string line)
    {
        try
        {
            writer.WriteRawValue(line);
        }
        catch (JsonException ex)
        {
            throw NotARecord(path, sequence, ex);
        }
    }

    private static CliException NotARecord(string path, long sequence, Exception ex) => new(string.Create(CultureInfo.InvariantCulture,
        $"The audit record {sequence} in the case store '{path}' is not valid JSON ({(ex is JsonException json ? Cases.JsonText.Describe(json, withLine: false) : "it cannot be read")}); run 'hitl audit verify {path}'."), ex);

    private static void WriteDetails(TextWriter output, CaseRecord c, DateTimeOffset now)
    {
        var rows = new List<(string Name, string Value)>
        {
            ("Case", c.Id + string.Create(CultureInfo.InvariantCulture, $" (version {c.Version}, round {c.Round})")),
            ("State", CaseText.Name(c.State) + (c.IsOpen ? " (open)" : " (closed)") + (c.Executed ? ", executed" : "") + (c.Contested ? ", contested" : "")),
            ("Route", c.Route.ToJsonName() + (c.DecidedRoute != c.Route ? " (decided " + c.DecidedRoute.ToJsonName() + ")" : "") + ", by " + c.DecidedBy),
            ("Action", c.ActionType ?? "-"),
            ("Tier", (c.RequiredTier ?? "-") + (c.Tiers.Count > 0 ? " (tiers: " + string.Join(", ", c.Tiers) + ")" : "")),
            ("Approvals", string.Create(CultureInfo.InvariantCulture, $"{c.Approvers.Count}/{c.RequiredApprovals}") + (c.Approvers.Count > 0 ? " (" + string.Join(", ", c.Approvers) + ")" : "")),
            ("Requester", c.Requester ?? "-"),
            ("Subject", c.Subject ?? "-"),
            ("Request", c.RequestId ?? "-"),
            ("Summary", c.Summary ?? "-"),
            ("Model", c.ModelId is null && c.ModelVersion is null ? "-" : (c.ModelId ?? "?") + (c.ModelVersion is null ? "" : " " + c.ModelVersion)),
            ("Confidence", CaseText.Number(c.Confidence)),
            ("Risk", CaseText.Number(c.Risk)),
            ("Policy", (c.PolicyId ?? "-") + (c.PolicyVersion is null ? "" : " " + c.PolicyVersion) + (c.PolicyHash is null ? "" : " (sha256 " + c.PolicyHash + ")")),
            ("Fired rules", c.FiredRules.Count > 0 ? string.Join(", ", c.FiredRules) : "-"),
            ("Received", CaseText.Time(c.ReceivedAt)),
            ("Opened", CaseText.Time(c.OpenedAt) + (c.Round > 1 ? ", this round " + CaseText.Time(c.RoundOpenedAt) : "")),
            ("Deadline", CaseText.Time(c.DeadlineAt) + (c.DeadlineAt is not null && c.IsOpen ? " (" + CaseText.TimeLeft(c.DeadlineAt, now) + (c.Fallback is { } then ? ", then " + then.ToJsonName() : "") + ")" : "")),
            ("Closed", CaseText.Time(c.ClosedAt)),
            ("Retention", (c.RetentionClass ?? "-") + (c.RetainUntil is { } until ? ", until " + CaseText.Time(until) : "") + (c.LegalHold ? ", LEGAL HOLD" : ", no legal hold")),
            ("Outcome", Outcome(c.Outcome)),
        };
        if (c.Ticket is { } ticket)
        {
            rows.Add(("Ticket", ticket.Reason.ToString() + " at " + CaseText.Time(ticket.At) + ", tier " + ticket.RequiredTier));
            rows.Add(("Why", ticket.Why));
            rows.Add(("Ticket rules", ticket.FiredRules.Count > 0 ? string.Join(", ", ticket.FiredRules) : "-"));
        }

        rows.Add(("Payload", Payload(c.Payload)));
        if (c.EditedPayload is { } edited)
        {
            rows.Add(("Edited payload", Payload(edited)));
        }

        var width = rows.Max(r => r.Name.Length);
        foreach (var (name, value) in rows)
        {
            // Case data: one line each, its control characters and line breaks escaped.
            output.WriteLine(name.PadRight(width) + "  " + TerminalText.Cell(value));
        }
    }

    private static string Outcome(CaseOutcome? outcome)
    {
        if (outcome is null)
        {
            return "-";
        }

        var parts = new List<string> { CaseText.Name(outcome.State) + (outcome.Execute ? ", execute" : ", do not execute") + (outcome.Edited ? " (edited)" : "") };
        if (outcome.DecidedBy is { } by)
        {
            parts.Add("by " + by);
        }

        if (outcome.ReasonCode is { } code)
        {
            parts.Add("code " + code);
        }

        if (outcome.Reason is { } reason)
        {
            parts.Add("reason " + reason);
        }

        parts.Add("at " + CaseText.Time(outcome.At));
        return string.Join(", ", parts);
    }

    /// <summary>The payload for a table: cut to <see cref="PayloadWidth"/> characters, saying so; escaping follows.</summary>
    internal static string Payload(string payload) => payload.Length <= PayloadWidth
        ? payload
        : CaseText.Shorten(payload, PayloadWidth) + string.Create(CultureInfo.InvariantCulture,
            $" [truncated: {PayloadWidth} of {payload.Length} characters shown; --format json shows it in full]");

    private static string[] HistoryRow(string path, long sequence, string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var entry = document.RootElement.TryGetProperty("entry", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            return
            [
                sequence.ToString(CultureInfo.InvariantCulture),
                Text(entry, "at") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.None, out var when) ? CaseText.Time(when) : Text(entry, "at") ?? "-",
                Text(entry, "act") ?? "-",
                Text(entry, "actor") ?? "-",
                Text(entry, "actorRole") ?? "-",
                Text(entry, "actorTier") ?? Text(entry, "requiredTier") ?? "-",
                Text(entry, "reasonCode") ?? "-",
                CaseText.Shorten(Text(entry, "reason") ?? (Text(entry, "act") == "decided" ? Text(entry, "route") + " by " + Text(entry, "decidedBy") : "") ?? "", 120),
            ];
        }
        catch (JsonException ex)
        {
            throw NotARecord(path, sequence, ex);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}
