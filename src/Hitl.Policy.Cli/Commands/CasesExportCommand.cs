using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl cases export STORE.db (--subject ID | --from T --to T | --all) [--out FILE.jsonl]</c>: an examiner's export
/// as JSON Lines, one line per case: <c>{"case": {...}, "records": [...]}</c>, the case as the store keeps it
/// (<see cref="CaseRecordJson"/>) and its audit records as stored (the same objects a JSON Lines trail holds), in
/// order. Cases are paged from the store, 500 at a time, oldest opened first; nothing is held but one page.
/// </summary>
internal static class CasesExportCommand
{
    /// <summary>The cases read per query.</summary>
    internal const int PageSize = 500;

    public static Command Create(CommandIo io)
    {
        var store = CasesCommand.Store();
        var subject = new Option<string?>("--subject") { Description = "Export the cases about this person.", HelpName = "ID" };
        var from = new Option<string?>("--from") { Description = "Export the cases opened at or after this time (ISO 8601; UTC without an offset).", HelpName = "ISO8601" };
        var to = new Option<string?>("--to") { Description = "Export the cases opened before this time (ISO 8601).", HelpName = "ISO8601" };
        var all = new Option<bool>("--all") { Description = "Export every case in the store." };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Where to write the export (a new file; an existing one is never overwritten); standard output when left out.",
            HelpName = "FILE.jsonl",
        };
        var command = new Command("export", "Export cases with their audit records as JSON Lines, one case per line: by subject, by time range, or all.")
        {
            store,
            subject,
            from,
            to,
            all,
            output,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var who = parse.GetValue(subject);
            var start = CaseText.ParseTime(parse.GetValue(from), "--from");
            var end = CaseText.ParseTime(parse.GetValue(to), "--to");
            var everything = parse.GetValue(all);
            if (everything && (who is not null || start is not null || end is not null))
            {
                throw new CliException("--all exports every case; leave out --subject, --from and --to with it.");
            }

            if (!everything && who is null && start is null && end is null)
            {
                throw new CliException("Say which cases to export: --subject ID, a time range (--from and --to, on the time each case was opened), or --all.");
            }

            if (start is { } s && end is { } e && e <= s)
            {
                throw new CliException("--to must be later than --from: cases opened at or after --from and before --to are exported.");
            }

            var query = new CaseQuery { Subject = who, OpenedFrom = start, OpenedBefore = end, OrderBy = CaseOrder.Opened, Limit = PageSize };
            return Run(io, parse.GetValue(store)!, query, parse.GetValue(output));
        }));
        return command;
    }

    private static int Run(CommandIo io, string path, CaseQuery query, string? outPath)
    {
        using var store = CaseStoreFile.Open(path);
        using var history = CaseStoreFile.History(store, path);
        if (outPath is null)
        {
            var (cases, records) = Export(store, history, path, query, io.Out);
            io.Error.WriteLine(Summary(path, cases, records, "standard output"));
            return ExitCodes.Ok;
        }

        using (var writer = OutputFile.CreateNew(outPath, "export"))
        {
            try
            {
                var (cases, records) = Export(store, history, path, query, writer);
                writer.Flush();
                io.Error.WriteLine(Summary(path, cases, records, "'" + outPath + "'"));
            }
            catch (Exception ex) when (ex is CliException or IOException or UnauthorizedAccessException)
            {
                // No half an export left behind to be taken for a whole one.
                writer.Dispose();
                OutputFile.DeletePartial(outPath);
                throw ex as CliException ?? new CliException($"Cannot write the export to '{outPath}': {ex.Message}", ex);
            }
        }

        return ExitCodes.Ok;
    }

    private static (int Cases, long Records) Export(SqliteCaseStore store, CaseStoreFile.CaseHistory history, string path, CaseQuery query, TextWriter output)
    {
        var cases = 0;
        long records = 0;
        for (var page = (CasePage?)null; page is null || page.Next is not null;)
        {
            var next = query with { After = page?.Next };
            page = CaseStoreFile.Read(path, () => store.QueryAsync(next).AsTask().GetAwaiter().GetResult());
            foreach (var record in page.Cases)
            {
                var lines = history.Read(record.Id);
                output.Write(JsonOutput.Build(w =>
                {
                    w.WriteStartObject();
                    w.WritePropertyName("case");
                    w.WriteRawValue(CaseRecordJson.Serialize(record));
                    w.WriteStartArray("records");
                    foreach (var (sequence, line) in lines)
                    {
                        CasesShowCommand.WriteRecord(w, path, sequence, line);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }));
                output.Write('\n');
                cases++;
                records += lines.Count;
            }
        }

        output.Flush();
        return (cases, records);
    }

    private static string Summary(string path, int cases, long records, string where) => string.Create(CultureInfo.InvariantCulture,
        $"Exported {PolicyFile.Plural(cases, "case")} with {PolicyFile.Plural((int)Math.Min(records, int.MaxValue), "audit record")} from '{path}' to {where}. The export is not itself chained: check the trail with 'hitl audit verify {path}'.");
}
