using System.CommandLine;

namespace Hitl.Policy.Cli.Commands;

/// <summary><c>hitl cases ...</c>: commands over the cases of a SQLite case store, read-only.</summary>
internal static class CasesCommand
{
    public static Command Create(CommandIo io) => new("cases", "List, show and export the cases of a SQLite case store (read-only).")
    {
        CasesListCommand.Create(io),
        CasesShowCommand.Create(io),
        CasesExportCommand.Create(io),
    };

    /// <summary>The store argument the case commands share.</summary>
    public static Argument<string> Store() => new("STORE.db")
    {
        Description = "The SQLite file of a SqliteCaseStore; it is opened read-only.",
    };
}
