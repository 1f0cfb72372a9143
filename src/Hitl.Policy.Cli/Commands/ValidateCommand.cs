using System.CommandLine;
using System.Globalization;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Commands;

/// <summary><c>hitl validate POLICY.json</c>: every error with its path, value and line; exit 0 when valid, 1 when not.</summary>
internal static class ValidateCommand
{
    public static Command Create(CommandIo io)
    {
        var file = new Argument<string>("POLICY.json") { Description = "The policy file to check." };
        var format = CommonOptions.Format("text for people, json for tools.", "text", "json");
        var command = new Command("validate", "Check a policy file and list every error with its JSON path, value, line and column.")
        {
            file,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () => Run(io, parse.GetValue(file)!, parse.GetValue(format)!)));
        return command;
    }

    private static int Run(CommandIo io, string path, string format)
    {
        var (definition, errors) = PolicyFile.Read(path);
        if (definition is not null)
        {
            errors = PolicyCompiler.Validate(definition);
        }

        CompiledPolicy<Signals>? policy = definition is not null && errors.Count == 0
            ? PolicyCompiler.Compile(definition, Signals.SchemaFor(definition))
            : null;
        if (format == "json")
        {
            io.Out.WriteLine(JsonOutput.Build(w => WriteJson(w, path, policy, errors), indented: true));
        }
        else if (policy is not null)
        {
            WriteSummary(io.Out, path, policy, definition!.Fields?.Count ?? 0);
        }
        else
        {
            foreach (var error in errors)
            {
                io.Out.WriteLine(PolicyErrorText.Format(path, error));
            }

            io.Out.WriteLine($"{path}: {PolicyFile.Plural(errors.Count, "error")}; the policy is not valid.");
        }

        return policy is null ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static void WriteSummary(TextWriter output, string path, CompiledPolicy<Signals> policy, int fieldCount)
    {
        var actions = policy.ActionTypes.Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"{path}: valid. Policy '{policy.PolicyId}' version {policy.PolicyVersion}.");
        output.WriteLine($"  tiers:   {string.Join(" < ", policy.Tiers)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fields:  {fieldCount} host field{(fieldCount == 1 ? "" : "s")}"));
        output.WriteLine($"  actions: {PolicyFile.Plural(actions.Count, "action type")}");
        foreach (var action in actions)
        {
            output.WriteLine($"    {action}: {PolicyFile.Plural(policy.RuleIdsFor(action).Count, "rule")}");
        }
    }

    private static void WriteJson(System.Text.Json.Utf8JsonWriter writer, string path, CompiledPolicy<Signals>? policy, IReadOnlyList<PolicyError> errors)
    {
        writer.WriteStartObject();
        writer.WriteString("file", path);
        writer.WriteBoolean("valid", policy is not null);
        writer.WriteString("policy", policy?.PolicyId);
        writer.WriteString("version", policy?.PolicyVersion);
        writer.WriteStartArray("errors");
        foreach (var error in errors)
        {
            writer.WriteStartObject();
            writer.WriteString("code", error.Code.ToString());
            writer.WriteString("path", error.Path);
            writer.WriteString("message", PolicyErrorText.Message(error));
            writer.WritePropertyName("value");
            WriteValue(writer, error.Value);
            if (error.Line is { } line)
            {
                writer.WriteNumber("line", line);
            }
            else
            {
                writer.WriteNull("line");
            }

            if (error.Column is { } column)
            {
                writer.WriteNumber("column", column);
            }
            else
            {
                writer.WriteNull("column");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// The offending value as the JSON value it is (<c>1.5</c>, <c>"agent"</c>, <c>[]</c>, <c>null</c> for a value left out),
    /// not as text with quotes inside; a value the message shows in another form (a range, a value cut short) as text.
    /// </summary>
    private static void WriteValue(System.Text.Json.Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(value);
            document.RootElement.WriteTo(writer);
        }
        catch (System.Text.Json.JsonException)
        {
            writer.WriteStringValue(value);
        }
    }
}
