using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit verify AUDIT.jsonl|STORE.db [--key-file KEYS.json] [--key ID=BASE64] [--checkpoint CHECKPOINT.json]</c>: the
/// chain check. Names the first broken record's sequence and line, and why; a last line cut off by a crash is reported
/// as a torn tail with the count of intact records before it. With keys every keyed record's MAC is checked; with a
/// checkpoint kept elsewhere, records cut off the end are found.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CommandIo io)
    {
        var trail = AuditCommand.Trail();
        var format = CommonOptions.Format("table: a sentence for people (default); json: one object for tools.", "table", "json");
        var keyFile = new Option<string[]>("--key-file")
        {
            Description = "A JSON file with the trail's keys: {\"keys\": [{\"id\": \"k1\", \"secret\": \"<base64>\"}]}. Every keyed record's MAC is checked.",
            HelpName = "KEYS.json",
            AllowMultipleArgumentsPerToken = false,
        };
        var key = new Option<string[]>("--key")
        {
            Description = "A key as ID=BASE64 (repeatable). Prefer --key-file: a command line can end up in a shell history.",
            HelpName = "ID=BASE64",
        };
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "A checkpoint kept elsewhere (JSON, from JsonLinesAuditStore.CreateCheckpoint): finds records cut off the end, or a trail rewritten up to it.",
            HelpName = "CHECKPOINT.json",
        };
        var allowUnkeyed = new Option<bool>("--allow-unkeyed")
        {
            Description = "With keys, accept unkeyed records at the start of the trail (written before a key was configured).",
        };
        var command = new Command("verify", "Check an audit trail's chain: every record present, unchanged and in order; with keys, written by a key holder.")
        {
            trail,
            format,
            keyFile,
            key,
            checkpoint,
            allowUnkeyed,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
        {
            var keys = AuditKeys.Load(parse.GetValue(keyFile) ?? [], parse.GetValue(key) ?? [], parse.GetValue(allowUnkeyed));
            var kept = parse.GetValue(checkpoint) is { } checkpointPath ? AuditKeys.LoadCheckpoint(checkpointPath) : null;
            return Run(io, parse.GetValue(trail)!, parse.GetValue(format) == "json", keys, kept);
        }));
        return command;
    }

    private static int Run(CommandIo io, string path, bool json, AuditKeyRing? keys, AuditCheckpoint? checkpoint)
    {
        var result = AuditFile.Verify(path, keys, checkpoint);
        var status = result.IsIntact ? "intact" : result.TornTail ? "torn-tail" : "broken";
        if (json)
        {
            io.Out.WriteLine(JsonOutput.Build(
                w =>
                {
                    w.WriteStartObject();
                    w.WriteString("file", path);
                    w.WriteString("status", status);
                    w.WriteBoolean("intact", result.IsIntact);
                    w.WriteNumber("intactRecords", result.RecordCount);
                    WriteNumber(w, "firstBrokenSequence", result.FirstBrokenSequence);
                    WriteNumber(w, "firstBrokenLine", result.FirstBrokenLine);
                    w.WriteString("problem", result.Problem is null ? null : WithoutLine(result.Problem));
                    w.WriteNumber("keyedRecords", result.KeyedRecords);
                    w.WriteBoolean("macsChecked", keys is not null && result.UncheckedMacs == 0);
                    w.WriteNumber("uncheckedMacs", result.UncheckedMacs);
                    if (checkpoint is not null)
                    {
                        w.WriteNumber("checkpointSequence", checkpoint.Sequence);
                        w.WriteBoolean("checkpointMatched", result.CheckpointMatched);
                    }

                    w.WriteEndObject();
                },
                indented: true));
        }
        else
        {
            io.Out.WriteLine(Describe(path, result));
            if (result.UncheckedMacs > 0)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Only the links of {PolicyFile.Plural((int)Math.Min(result.UncheckedMacs, int.MaxValue), "keyed record")} were checked, not their MACs: give the trail's keys (--key-file) to check that a key holder wrote them."));
            }
            else if (keys is not null && result.KeyedRecords > 0)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Every MAC checked ({PolicyFile.Plural((int)Math.Min(result.KeyedRecords, int.MaxValue), "keyed record")})."));
            }

            if (checkpoint is not null && result.CheckpointMatched)
            {
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"The trail reaches the checkpoint of {checkpoint.At:O} (sequence {checkpoint.Sequence}) unchanged."));
            }
            else if (checkpoint is null && result.IsIntact)
            {
                io.Out.WriteLine("Records cut off the end cannot be seen without a checkpoint kept elsewhere (--checkpoint).");
            }
        }

        return result.IsIntact ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Describe(string path, AuditVerification result)
    {
        var intact = PolicyFile.Plural((int)Math.Min(result.RecordCount, int.MaxValue), "intact record");
        if (result.IsIntact)
        {
            return result.RecordCount == 0
                ? $"{path}: intact, but empty (no records)."
                : $"{path}: intact, {PolicyFile.Plural((int)Math.Min(result.RecordCount, int.MaxValue), "record")}, every hash linked.";
        }

        var problem = WithoutLine(result.Problem ?? "");
        if (result.TornTail)
        {
            return string.Create(CultureInfo.InvariantCulture, $"""
                {path}: TORN TAIL at line {result.FirstBrokenLine}: {problem}
                The {intact} before it verify. An auditor repairs the tail with 'hitl audit repair {path} --auditor ID --reason TEXT' (JsonLinesAuditStore.RepairTornTailAsync), which keeps the torn bytes and records the repair.
                """);
        }

        if (result.FirstBrokenSequence is null)
        {
            return $"{path}: NOT VERIFIED: {problem}";
        }

        if (result.FirstBrokenLine is null)
        {
            // A SQLite case store has no lines: the record's sequence is where it breaks.
            return string.Create(CultureInfo.InvariantCulture, $"""
                {path}: BROKEN at record {result.FirstBrokenSequence}: {problem}
                {intact} before it verify; nothing from record {result.FirstBrokenSequence} on can be trusted. Keep the file as evidence and start a new trail.
                """);
        }

        return string.Create(CultureInfo.InvariantCulture, $"""
            {path}: BROKEN at record {result.FirstBrokenSequence}, line {result.FirstBrokenLine}: {problem}
            {intact} before it verify; nothing from line {result.FirstBrokenLine} on can be trusted. Keep the file as evidence and start a new trail.
            """);
    }

    /// <summary>The problem without its leading <c>line N: </c>, which the message names already.</summary>
    private static string WithoutLine(string problem)
    {
        if (problem.StartsWith("line ", StringComparison.Ordinal))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && problem.AsSpan(5, colon - 5).IndexOfAnyExceptInRange('0', '9') < 0)
            {
                return problem[(colon + 2)..];
            }
        }

        return problem;
    }

    private static void WriteNumber(System.Text.Json.Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
