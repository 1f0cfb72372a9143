using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Review;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit repair AUDIT.jsonl --auditor ID --reason TEXT [--key-file KEYS.json]</c>: repairs a torn tail (a last line
/// cut off by a crash) with <see cref="JsonLinesAuditStore.RepairTornTailAsync"/>, which keeps the torn bytes beside the
/// trail, cuts them off and appends a correction record naming the auditor and the reason. A trail with no torn tail is
/// left as it is; a trail broken in any other way cannot be repaired and is left as evidence.
/// </summary>
internal static class AuditRepairCommand
{
    /// <summary>The longest auditor id accepted; an id is a name, not a document.</summary>
    internal const int MaxAuditorLength = 200;

    /// <summary>The longest reason accepted, in characters.</summary>
    internal const int MaxReasonLength = 2000;

    public static Command Create(CommandIo io)
    {
        var trail = new Argument<string>("AUDIT.jsonl")
        {
            Description = "The JSON Lines audit trail whose last line is torn (as 'hitl audit verify' reports it).",
        };
        var auditor = new Option<string>("--auditor")
        {
            Description = "Who repairs the trail: the id recorded as the auditor in the repair record.",
            HelpName = "ID",
            Required = true,
        };
        var reason = new Option<string>("--reason")
        {
            Description = "Why, in the auditor's words (for example: power loss during deploy). Recorded in the repair record.",
            HelpName = "TEXT",
            Required = true,
        };
        var keyFile = new Option<string[]>("--key-file")
        {
            Description = "The keys of a keyed trail, as for 'hitl audit verify'; the first key signs the repair record.",
            HelpName = "KEYS.json",
        };
        var command = new Command("repair", "Repair an audit trail's torn tail (a last line cut off by a crash): keep the torn bytes, cut them off, record who repaired it and why.")
        {
            trail,
            auditor,
            reason,
            keyFile,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(trail)!, Text("--auditor", parse.GetValue(auditor), MaxAuditorLength), Text("--reason", parse.GetValue(reason), MaxReasonLength), parse.GetValue(keyFile) ?? [])));
        return command;
    }

    private static int Run(CommandIo io, string path, string auditor, string reason, IReadOnlyList<string> keyFiles)
    {
        InputFile.Check(path, "audit trail");
        if (CaseStoreFile.IsSqlite(path, "audit trail"))
        {
            throw new CliException(
                $"The audit trail '{path}' is a SQLite case store: it writes each record in a transaction, so it has no torn tail to repair. 'hitl audit repair' repairs a JSON Lines trail.");
        }

        var keys = AuditKeys.Load(keyFiles, [], allowUnkeyed: false);

        // Read without the lock first: a keyed trail opened without its keys is refused, and the message should name --key-file.
        var before = AuditFile.Verify(path, keys);
        if (keys is null && before.KeyedRecords > 0)
        {
            throw new CliException($"The audit trail '{path}' is keyed: give its keys (--key-file) so that the repair record is signed like the others. Nothing was changed.");
        }

        JsonLinesAuditStore store;
        try
        {
            store = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = path, KeyRing = keys }, io.Time);
        }
        catch (AuditStoreException ex)
        {
            throw new CliException($"Cannot open the audit trail '{path}' to repair it: {ex.Message} Nothing was changed.", ex);
        }

        using (store)
        {
            // What the store found under its lock decides: the trail may have changed since it was read above.
            var found = store.VerifyAsync().AsTask().GetAwaiter().GetResult();
            if (found.IsIntact)
            {
                io.Out.WriteLine($"{path}: intact, {PolicyFile.Plural((int)Math.Min(found.RecordCount, int.MaxValue), "record")}; there is no torn tail to repair. Nothing was changed.");
                return ExitCodes.Ok;
            }

            if (!found.TornTail)
            {
                io.Out.WriteLine($"{path}: BROKEN {AuditFile.Where(found)}: {found.Problem}");
                io.Out.WriteLine("A repair only cuts off a torn last line; this trail is broken in another way and cannot be repaired. Nothing was changed: keep the file as evidence and start a new trail.");
                return ExitCodes.Failed;
            }

            AuditRecord record;
            try
            {
                record = store.RepairTornTailAsync(auditor, Directory(auditor), reason).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is AuditStoreException or InvalidOperationException or ReviewException or ArgumentException)
            {
                throw new CliException($"The torn tail of the audit trail '{path}' could not be repaired: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
            }

            var data = record.Entry.Data!;
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path}: torn tail at line {data["tornLine"]} repaired by '{auditor}': {data["tornLength"]} torn bytes kept in {data["tornCopy"]} (beside the trail) and cut off; record {record.Sequence} records the repair."));
            var after = store.VerifyAsync().AsTask().GetAwaiter().GetResult();
            io.Out.WriteLine(after.IsIntact
                ? string.Create(CultureInfo.InvariantCulture, $"The trail verifies again: {PolicyFile.Plural((int)Math.Min(after.RecordCount, int.MaxValue), "record")}, every hash linked.")
                : $"The trail does not verify after the repair: {after.Problem} Run 'hitl audit verify {path}'.");
            return after.IsIntact ? ExitCodes.Ok : ExitCodes.Failed;
        }
    }

    /// <summary>
    /// The directory the repair asks: the CLI has none of the host's, so the person running it is the auditor, by the id
    /// they give; who may repair is who may write the file. The record names them, in the auditor role, with no tier.
    /// </summary>
    private static InMemoryReviewerDirectory Directory(string auditor) =>

        // The store copies the tier into the record's optional actorTier; the CLI knows no tier, so none is recorded.
        new(new Reviewer(auditor, null!, new HashSet<string>([JsonLinesAuditStoreOptions.DefaultAuditorRole], StringComparer.Ordinal)));

    /// <summary>An id or reason from the command line: not blank, one line, without control characters, and bounded.</summary>
    private static string Text(string option, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CliException($"{option} is empty; give {(option == "--auditor" ? "the id of the person who repairs the trail" : "why the trail is repaired")}.");
        }

        if (value.Length > max)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{option} is {value.Length} characters long; it may take at most {max}."));
        }

        var control = value.AsSpan().IndexOfAnyInRange('\0', '\u001F');
        if (control < 0)
        {
            control = value.AsSpan().IndexOfAnyInRange('\u007F', '\u009F');
        }

        if (control >= 0)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{option} holds a control character at position {control + 1}; give it on one line, as plain text."));
        }

        return value.Trim();
    }
}
