using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit checkpoint AUDIT.jsonl --key-file KEYS.json [--out CHECKPOINT.json]</c>: verifies the trail and writes a
/// checkpoint of its last record (signed with the first key given), for a cron job or an operator to keep somewhere
/// the trail's writer cannot rewrite. A trail that does not verify gets no checkpoint.
/// </summary>
internal static class AuditCheckpointCommand
{
    public static Command Create(CommandIo io)
    {
        var trail = AuditCommand.Trail();
        var keyFile = new Option<string[]>("--key-file")
        {
            Description = "The trail's keys, as for 'hitl audit verify'; the first key signs the checkpoint. Without keys the checkpoint is unsigned.",
            HelpName = "KEYS.json",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Where to write the checkpoint (a new file; an existing one is not overwritten); standard output when left out.",
            HelpName = "CHECKPOINT.json",
        };
        var command = new Command("checkpoint", "Verify an audit trail and write a checkpoint of its last record, to keep elsewhere: 'hitl audit verify --checkpoint' then finds records cut off the end.")
        {
            trail,
            keyFile,
            output,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(trail)!, AuditKeys.Load(parse.GetValue(keyFile) ?? [], [], allowUnkeyed: false), parse.GetValue(output))));
        return command;
    }

    private static int Run(CommandIo io, string path, AuditKeyRing? keys, string? output)
    {
        var check = AuditFile.Verify(path, keys);
        if (!check.IsIntact || check.UncheckedMacs > 0)
        {
            io.Error.WriteLine(check.IsIntact
                ? $"error: the audit trail '{path}' is keyed; give its keys (--key-file) so that only a verified trail is checkpointed."
                : $"error: the audit trail '{path}' does not verify: {check.Problem} No checkpoint was written; run 'hitl audit verify {path}'.");
            return ExitCodes.Failed;
        }

        var last = check.RecordCount == 0
            ? AuditChain.GenesisHash
            : AuditFile.Stream(path, check.RecordCount).Last().Hash;
        var checkpoint = AuditCheckpoint.Create(check.RecordCount, last, DateTimeOffset.UtcNow, keys);
        if (output is null)
        {
            io.Out.WriteLine(checkpoint.ToJson());
        }
        else
        {
            try
            {
                using var file = new FileStream(output, FileMode.CreateNew, FileAccess.Write);
                using var writer = new StreamWriter(file);
                writer.WriteLine(checkpoint.ToJson());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"Cannot write the checkpoint to '{output}': {ex.Message}", ex);
            }

            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{output}: checkpoint of '{path}' at sequence {checkpoint.Sequence}{(checkpoint.KeyId is null ? ", unsigned" : ", signed with key '" + checkpoint.KeyId + "'")}."));
        }

        return ExitCodes.Ok;
    }
}
