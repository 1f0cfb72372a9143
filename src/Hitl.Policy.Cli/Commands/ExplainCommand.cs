using System.CommandLine;
using System.Text.Json;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Commands;

/// <summary><c>hitl explain --policy P --case '{...}'</c>: the full trace of one decision: every rule, what it read, what it proposed.</summary>
internal static class ExplainCommand
{
    public static Command Create(CommandIo io)
    {
        var policy = CommonOptions.Policy();
        var @case = new Option<string>("--case", "-c")
        {
            Description = "The case as JSON, @FILE to read it from a file, or - to read standard input.",
            HelpName = "JSON|@FILE|-",
            Required = true,
        };
        var format = CommonOptions.Format("text for people (default), json for tools.", "text", "json");
        var command = new Command("explain", "Explain how a policy decides one case: the signals read, every rule and whether it fired, and why.")
        {
            policy,
            @case,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(policy)!, parse.GetValue(@case)!, parse.GetValue(format) == "json")));
        return command;
    }

    private static int Run(CommandIo io, string policyPath, string caseArgument, bool json)
    {
        var policy = PolicyFile.Load(policyPath);
        var (caseJson, source) = caseArgument switch
        {
            "-" => (LineInput.ReadAll(io.In, "case read from standard input", io.MaxLineLength), "case read from standard input"),
            ['@', .. var file] => (System.Text.Encoding.UTF8.GetString(InputFile.ReadBytes(file, "case file", io.MaxLineLength)), "case file '" + file + "'"),
            _ => (caseArgument, "case given with --case"),
        };
        Signals signals;
        try
        {
            signals = CaseReader.Parse(caseJson.TrimStart('\uFEFF'), policy.Cases);
        }
        catch (CaseFormatException ex)
        {
            throw new CliException($"The {source} cannot be read: {ex.Message}");
        }

        var trace = policy.Policy.Explain(signals);
        io.Out.Write(json ? JsonOutput.Build(w => WriteTrace(w, trace), indented: true) + Environment.NewLine : ExplainText.Render(trace));
        return ExitCodes.Ok;
    }

    private static void WriteTrace(Utf8JsonWriter writer, DecisionTrace trace)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("decision");
        DecisionJson.WriteProperties(writer, trace.Decision, trace.ActionType);
        writer.WriteEndObject();
        writer.WriteString("why", trace.Why);
        writer.WriteString("defaultRoute", trace.DefaultRoute.ToJsonName());
        // Values as JSON values (0.97, "retail", true, null), with what the text adds in parentheses kept apart.
        var notes = new List<(string Signal, string Note)>();
        writer.WriteStartObject("signals");
        foreach (var signal in trace.Signals)
        {
            var value = TraceValue.Parse(signal.Value);
            writer.WritePropertyName(signal.Signal);
            value.WriteTo(writer);
            if (value.Note is { } note)
            {
                notes.Add((signal.Signal, note));
            }
        }

        writer.WriteEndObject();
        writer.WriteStartObject("signalNotes");
        foreach (var (signal, note) in notes)
        {
            writer.WriteString(signal, note);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("rules");
        foreach (var rule in trace.Rules)
        {
            writer.WriteStartObject();
            writer.WriteString("id", rule.RuleId);
            writer.WriteString("kind", rule.Kind.ToString());
            writer.WriteString("condition", rule.Condition);
            writer.WriteBoolean("fired", rule.Fired);
            writer.WriteString("proposedRoute", rule.ProposedRoute.ToJsonName());
            writer.WriteString("proposedTier", rule.ProposedTier);
            writer.WriteNumber("proposedApprovals", rule.ProposedApprovals);
            writer.WriteStartArray("inputs");
            foreach (var input in rule.Inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("signal", input.Signal);
                var value = TraceValue.Parse(input.Value);
                writer.WritePropertyName("value");
                value.WriteTo(writer);
                writer.WriteBoolean("default", value.Note == "default");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("description", rule.Description);
            writer.WriteString("fault", rule.Fault);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("steps");
        foreach (var step in ExplainText.Steps(trace))
        {
            writer.WriteStringValue(step);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
