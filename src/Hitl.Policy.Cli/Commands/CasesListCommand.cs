using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Review;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl cases list STORE.db [--state S ...] [--action TYPE] [--tier NAME ...] [--subject ID] [--from T] [--to T]
/// [--due-by T] [--order opened|deadline] [--limit N] [--after CURSOR]</c>: a page of cases; by default the open ones
/// (pending and held), nearest deadline first.
/// </summary>
internal static class CasesListCommand
{
    private const int SummaryWidth = 48;

    public static Command Create(CommandIo io)
    {
        var store = CasesCommand.Store();
        var state = new Option<string[]>("--state", "-s")
        {
            Description = "Only cases in these states (repeatable, or several after one --state); 'all' for every state. Default: pending and held (the open cases).",
            HelpName = string.Join('|', CaseText.States.Select(s => s.Name)) + "|all",
            AllowMultipleArgumentsPerToken = true,
        };
        state.AcceptOnlyFromAmong([.. CaseText.States.Select(s => s.Name), "all"]);
        var action = new Option<string?>("--action", "-a") { Description = "Only cases of this action type.", HelpName = "TYPE" };
        var tier = new Option<string[]>("--tier", "-t") { Description = "Only cases that need this reviewer tier now (repeatable).", HelpName = "NAME" };
        var subject = new Option<string?>("--subject") { Description = "Only cases about this person.", HelpName = "ID" };
        var from = new Option<string?>("--from") { Description = "Only cases opened at or after this time (ISO 8601; UTC without an offset).", HelpName = "ISO8601" };
        var to = new Option<string?>("--to") { Description = "Only cases opened before this time (ISO 8601).", HelpName = "ISO8601" };
        var dueBy = new Option<string?>("--due-by") { Description = "Only cases with a deadline at or before this time (ISO 8601).", HelpName = "ISO8601" };
        var order = new Option<string>("--order")
        {
            Description = "deadline: nearest deadline first, cases without one last (default); opened: oldest first. Ties go by case id.",
            HelpName = "deadline|opened",
            DefaultValueFactory = _ => "deadline",
        };
        order.AcceptOnlyFromAmong("deadline", "opened");
        var limit = new Option<int>("--limit", "-n")
        {
            Description = string.Create(CultureInfo.InvariantCulture, $"The most cases on the page, 1 to {CaseQuery.MaxLimit}."),
            HelpName = "N",
            DefaultValueFactory = _ => 50,
        };
        var after = new Option<string?>("--after")
        {
            Description = "Start after this cursor: the 'next' of the page before (same filters and --order).",
            HelpName = "CURSOR",
        };
        var format = CommonOptions.Format("table: a table for people (default); json: {\"cases\": [...], \"next\": cursor or null} for tools.", "table", "json");
        var command = new Command("list", "List the cases of a case store: by default the open ones, nearest deadline first, a page at a time.")
        {
            store, state, action, tier, subject, from, to, dueBy, order, limit, after, format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var states = parse.GetValue(state) is { Length: > 0 } names
                ? names.Contains("all") ? null : names.Distinct().Select(n => CaseText.Parse(n)!.Value).ToList()
                : [CaseState.Pending, CaseState.Held];
            var count = parse.GetValue(limit);
            if (count is < 1 or > CaseQuery.MaxLimit)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--limit must be 1 to {CaseQuery.MaxLimit}; got {count}."));
            }

            var query = new CaseQuery
            {
                States = states,
                ActionType = parse.GetValue(action),
                RequiredTiers = parse.GetValue(tier) is { Length: > 0 } tiers ? tiers : null,
                Subject = parse.GetValue(subject),
                OpenedFrom = CaseText.ParseTime(parse.GetValue(from), "--from"),
                OpenedBefore = CaseText.ParseTime(parse.GetValue(to), "--to"),
                DeadlineBy = CaseText.ParseTime(parse.GetValue(dueBy), "--due-by"),
                OrderBy = parse.GetValue(order) == "opened" ? CaseOrder.Opened : CaseOrder.Deadline,
                Limit = count,
                After = parse.GetValue(after),
            };
            return Run(io, parse.GetValue(store)!, query, parse.GetValue(format) == "json");
        }));
        return command;
    }

    private static int Run(CommandIo io, string path, CaseQuery query, bool json)
    {
        if (query is { OpenedFrom: { } start, OpenedBefore: { } end } && end <= start)
        {
            throw new CliException("--to must be later than --from: cases opened at or after --from and before --to are listed.");
        }

        using var store = CaseStoreFile.Open(path);
        CasePage page;
        try
        {
            page = CaseStoreFile.Read(path, () => store.QueryAsync(query).AsTask().GetAwaiter().GetResult());
        }
        catch (ArgumentException ex)
        {
            // A cursor of another order or another store: the message quotes it (bounded) and says what to pass.
            throw new CliException("--after: " + ex.Message.Split(" (Parameter", 2)[0], ex);
        }

        var now = io.Time.GetUtcNow();
        if (json)
        {
            io.Out.WriteLine(JsonOutput.Build(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("file", path);
                    w.WriteStartArray("cases");
                    foreach (var c in page.Cases)
                    {
                        CaseText.WriteSummary(w, c, now);
                    }

                    w.WriteEndArray();
                    w.WriteString("next", page.Next);
                    w.WriteEndObject();
                },
                indented: true));
            return ExitCodes.Ok;
        }

        if (page.Cases.Count == 0)
        {
            io.Out.WriteLine($"{path}: no cases match{(query.After is null ? "" : " after the cursor")}.");
            return ExitCodes.Ok;
        }

        TableWriter.Write(
            io.Out,
            ["ID", "STATE", "ACTION", "TIER", "APPROVALS", "OPENED", "DEADLINE", "LEFT", "SUMMARY"],
            page.Cases.Select(c => new[]
            {
                CaseText.Shorten(c.Id, 40),
                CaseText.Name(c.State),
                CaseText.Shorten(c.ActionType ?? "-", 32),
                CaseText.Shorten(c.RequiredTier ?? "-", 24),
                string.Create(CultureInfo.InvariantCulture, $"{c.Approvers.Count}/{c.RequiredApprovals}"),
                CaseText.Time(c.OpenedAt),
                CaseText.Time(c.DeadlineAt),
                c.IsOpen ? CaseText.TimeLeft(c.DeadlineAt, now) : "-",
                CaseText.Shorten(c.Summary ?? "", SummaryWidth),
            }).ToList());
        io.Out.WriteLine();
        var counts = page.Cases.GroupBy(c => c.State).OrderBy(g => Array.FindIndex(CaseText.States, s => s.State == g.Key))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} {CaseText.Name(g.Key)}"));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{PolicyFile.Plural(page.Cases.Count, "case")} ({string.Join(", ", counts)}); times in UTC, time left from {CaseText.Time(now)}."));
        if (page.Next is { } next)
        {
            io.Out.WriteLine($"More cases: add --after {next}");
        }

        return ExitCodes.Ok;
    }
}
