using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Commands;

/// <summary>
/// <c>hitl audit verify AUDIT.jsonl</c>: the hash-chain check. Names the first broken record's sequence and line; a last
/// line cut off by a crash is reported as a torn tail with the count of intact records before it.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create(CommandIo io)
    {
        var trail = AuditCommand.Trail();
        var format = CommonOptions.Format("table: a sentence for people (default); json: one object for tools.", "table", "json");
        var command = new Command("verify", "Check an audit trail's hash chain: every record present, unchanged and in order.")
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
        var result = AuditFile.Verify(path);
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
                    w.WriteEndObject();
                },
                indented: true));
        }
        else
        {
            io.Out.WriteLine(Describe(path, result));
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
                The {intact} before it verify. A person repairs the tail with JsonLinesAuditStore.RepairTornTailAsync, which keeps the torn bytes and records the repair.
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
