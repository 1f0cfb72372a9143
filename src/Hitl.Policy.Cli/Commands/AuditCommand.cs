using System.CommandLine;

namespace Hitl.Policy.Cli.Commands;

/// <summary><c>hitl audit ...</c>: commands over an audit trail file.</summary>
internal static class AuditCommand
{
    public static Command Create(CommandIo io) => new("audit", "Check an audit trail's hash chain, count what it records, checkpoint it, export a case store's trail, repair a torn tail.")
    {
        AuditVerifyCommand.Create(io),
        AuditStatsCommand.Create(io),
        AuditCheckpointCommand.Create(io),
        AuditExportCommand.Create(io),
        AuditRepairCommand.Create(io),
    };

    /// <summary>The trail argument the audit commands share.</summary>
    public static Argument<string> Trail() => new("AUDIT.jsonl|STORE.db")
    {
        Description = "The audit trail: JSON Lines as JsonLinesAuditStore writes it, or the SQLite file of a SqliteCaseStore (told apart by content, not by name).",
    };
}
