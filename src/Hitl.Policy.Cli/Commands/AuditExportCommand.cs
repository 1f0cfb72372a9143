using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit export STORE.db [--out AUDIT.jsonl]</c>: writes the audit trail of a SQLite case store as a JSON Lines
/// trail, line for line the file a <see cref="JsonLinesAuditStore"/> would have written, so that it verifies (with the
/// same keys) and counts the same way.
/// </summary>
internal static class AuditExportCommand
{
    public static Command Create(CommandIo io)
    {
        var store = new Argument<string>("STORE.db")
        {
            Description = "The SQLite file of a SqliteCaseStore.",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Where to write the trail (a new file; an existing one is never overwritten); standard output when left out.",
            HelpName = "AUDIT.jsonl",
        };
        var command = new Command("export", "Write the audit trail of a SQLite case store as a JSON Lines trail, which 'hitl audit verify' checks like any other.")
        {
            store,
            output,
        };
        command.SetAction(parse => HitlApp.Guard(io, () => Run(io, parse.GetValue(store)!, parse.GetValue(output))));
        return command;
    }

    private static int Run(CommandIo io, string path, string? outPath)
    {
        using var store = CaseStoreFile.Open(path);
        if (outPath is null)
        {
            // The lines are canonical JSON (ASCII, escaped), so the terminal-safe writer passes them unchanged.
            CaseStoreFile.Read(path, () => store.ExportAuditLinesAsync(io.Out).GetAwaiter().GetResult());
            return ExitCodes.Ok;
        }

        long count;
        using (var writer = OutputFile.CreateNew(outPath, "audit trail"))
        {
            try
            {
                count = CaseStoreFile.Read(path, () => store.ExportAuditLinesAsync(writer).GetAwaiter().GetResult());
            }
            catch (Exception ex) when (ex is CliException or IOException or UnauthorizedAccessException)
            {
                writer.Dispose();
                OutputFile.DeletePartial(outPath);
                throw ex as CliException ?? new CliException($"Cannot write the audit trail to '{outPath}': {ex.Message}", ex);
            }
        }

        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outPath}: {PolicyFile.Plural((int)Math.Min(count, int.MaxValue), "audit record")} of '{path}'. Check it with 'hitl audit verify {outPath}' (and the trail's --key-file if it is keyed)."));
        return ExitCodes.Ok;
    }
}
