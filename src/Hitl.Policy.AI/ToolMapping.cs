using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// How the policy reads the calls of one tool: its action type, the signals it takes from the call's JSON arguments (by
/// argument name, or a dotted path into an object argument), fixed values, reversibility and sensitivity. Declared in
/// <see cref="ToolSignals.Tool"/>; checked against the tool's JSON schema when the tool is gated.
/// </summary>
public sealed class ToolMapping
{
    private readonly List<FieldRead> _reads = [];

    internal ToolMapping(ToolSignals owner, string toolName)
    {
        Owner = owner;
        ToolName = toolName;
        ActionTypeName = toolName;
    }

    /// <summary>The tool's name.</summary>
    public string ToolName { get; }

    internal ToolSignals Owner { get; }

    internal string ActionTypeName { get; private set; }

    internal Reversibility? ReversibilityValue { get; private set; }

    internal bool? SensitiveValue { get; private set; }

    internal IReadOnlyList<FieldRead> Reads => _reads;

    /// <summary>Sets the action type the policy routes the tool's calls as (the tool's name by default).</summary>
    /// <param name="actionType">The action type, for example <c>refund.issue</c>.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping ActionType(string actionType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actionType);
        ActionTypeName = actionType;
        return this;
    }

    /// <summary>Reads the impact amount from a number argument.</summary>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Amount(string argument) => Standard(StandardSignals.Amount, FieldType.Number, argument, static (c, v) => c.Amount = (double)v!);

    /// <summary>Reads a given risk score in [0, 1] from a number argument.</summary>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Risk(string argument) => Standard(StandardSignals.Risk, FieldType.Number, argument, static (c, v) => c.Risk = (double)v!);

    /// <summary>Reads the evidence quality in [0, 1] from a number argument.</summary>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Evidence(string argument) => Standard(StandardSignals.Evidence, FieldType.Number, argument, static (c, v) => c.Evidence = (double)v!);

    /// <summary>Reads the impact category from a text argument.</summary>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Category(string argument) => Standard(StandardSignals.Category, FieldType.Text, argument, static (c, v) => c.Category = (string?)v);

    /// <summary>Reads a host-defined number field from a number argument (a missing or non-number value is missing: the policy fails closed on it).</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Number(string field, string argument) => Field(field, FieldType.Number, argument, fixedValue: null);

    /// <summary>Reads a host-defined text field from a string argument (a missing or non-string value is missing).</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Text(string field, string argument) => Field(field, FieldType.Text, argument, fixedValue: null);

    /// <summary>Reads a host-defined yes/no field from a boolean argument (a missing or non-boolean value is missing).</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="argument">The argument's name, or a dotted path into an object argument.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Flag(string field, string argument) => Field(field, FieldType.Flag, argument, fixedValue: null);

    /// <summary>Gives a host-defined number field the same value for every call of the tool.</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="value">The value.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping FixedNumber(string field, double value) => Field(field, FieldType.Number, argument: null, fixedValue: value);

    /// <summary>Gives a host-defined text field the same value for every call of the tool (for example <c>tool.access</c> = <c>write</c>).</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="value">The value.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping FixedText(string field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Field(field, FieldType.Text, argument: null, fixedValue: value);
    }

    /// <summary>Gives a host-defined yes/no field the same value for every call of the tool.</summary>
    /// <param name="field">The field name the policy uses.</param>
    /// <param name="value">The value.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping FixedFlag(string field, bool value) => Field(field, FieldType.Flag, argument: null, fixedValue: value);

    /// <summary>
    /// Says how reversible the tool's calls are. Without it, the tool's metadata says (<see cref="HitlToolMetadata.Reversibility"/>
    /// in <see cref="AITool.AdditionalProperties"/>), and without that the calls count as irreversible.
    /// </summary>
    /// <param name="reversibility">The reversibility.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Reversibility(Reversibility reversibility)
    {
        if (!Enum.IsDefined(reversibility))
        {
            throw new ArgumentOutOfRangeException(nameof(reversibility), reversibility, $"Tool '{ToolName}': {(int)reversibility} is not a Reversibility.");
        }

        ReversibilityValue = reversibility;
        return this;
    }

    /// <summary>
    /// Says whether the tool's calls touch sensitive matters. Without it, the tool's metadata says (<see cref="HitlToolMetadata.Sensitive"/>),
    /// and without that it is not known: a policy that reads it fails closed.
    /// </summary>
    /// <param name="sensitive">Whether they do.</param>
    /// <returns>This mapping.</returns>
    public ToolMapping Sensitive(bool sensitive = true)
    {
        SensitiveValue = sensitive;
        return this;
    }

    internal bool Supplies(string field) => _reads.Exists(r => string.Equals(r.Field, field, StringComparison.Ordinal));

    /// <summary>Fills a call's signals from its arguments.</summary>
    internal void Read(ToolCall call)
    {
        foreach (var read in _reads)
        {
            var value = read.Argument is null ? read.Fixed : ValueAt(call.Arguments, read.Path, read.Type);
            if (read.Standard is { } set)
            {
                if (value is not null)
                {
                    set(call, value);
                }

                continue;
            }

            switch (read.Type)
            {
                case FieldType.Number:
                    call.Numbers[read.Slot] = value is double d ? d : double.NaN;
                    break;
                case FieldType.Text:
                    call.Texts[read.Slot] = value as string;
                    break;
                default:
                    call.Flags[read.Slot] = value as bool?;
                    break;
            }
        }
    }

    /// <summary>Every way the tool's JSON schema cannot supply what this mapping reads, one sentence each.</summary>
    internal IEnumerable<string> ProblemsWith(AIFunctionDeclaration function)
    {
        foreach (var read in _reads)
        {
            if (read.Argument is null)
            {
                continue;
            }

            var node = function.JsonSchema;
            foreach (var step in read.Path)
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("properties", out var properties)
                    || properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(step, out node))
                {
                    node = default;
                    break;
                }
            }

            var target = read.Field ?? read.Signal;
            if (node.ValueKind == JsonValueKind.Undefined)
            {
                yield return $"Tool '{ToolName}' has no argument '{read.Argument}' in its JSON schema, but '{target}' is mapped from it.";
                continue;
            }

            if (!SchemaAllows(node, read.Type))
            {
                yield return $"Tool '{ToolName}': argument '{read.Argument}' is {Describe(node)} in its JSON schema, but '{target}' is a {read.Type.ToString().ToLowerInvariant()} (it needs {Expected(read.Type)}).";
            }
        }
    }

    private ToolMapping Standard(string signal, FieldType type, string argument, Action<ToolCall, object?> set)
    {
        var path = PathOf(argument, signal);
        Owner.ThrowIfFrozen();
        if (_reads.Exists(r => string.Equals(r.Signal, signal, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Tool '{ToolName}' maps '{signal}' twice.", nameof(argument));
        }

        Owner.UsesStandard(signal);
        _reads.Add(new FieldRead(null, signal, type, -1, argument, path, null, set));
        return this;
    }

    private ToolMapping Field(string field, FieldType type, string? argument, object? fixedValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        var path = argument is null ? [] : PathOf(argument, field);
        Owner.ThrowIfFrozen();
        if (Supplies(field))
        {
            throw new ArgumentException($"Tool '{ToolName}' maps field '{field}' twice.", nameof(field));
        }

        var slot = Owner.SlotFor(field, type, ToolName);
        _reads.Add(new FieldRead(field, field, type, slot, argument, path, fixedValue, null));
        return this;
    }

    private string[] PathOf(string argument, string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        var path = argument.Split('.');
        return Array.TrueForAll(path, p => p.Length > 0)
            ? path
            : throw new ArgumentException($"Tool '{ToolName}': '{argument}' (for '{target}') is not an argument name or a dotted path (an empty step).", nameof(argument));
    }

    private static object? ValueAt(JsonElement arguments, string[] path, FieldType type)
    {
        var node = arguments;
        foreach (var step in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(step, out node))
            {
                return null;
            }
        }

        return (type, node.ValueKind) switch
        {
            (FieldType.Number, JsonValueKind.Number) => node.GetDouble(),
            (FieldType.Text, JsonValueKind.String) => node.GetString(),
            (FieldType.Flag, JsonValueKind.True) => true,
            (FieldType.Flag, JsonValueKind.False) => false,
            _ => null,
        };
    }

    private static bool SchemaAllows(JsonElement node, FieldType type)
    {
        if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("type", out var declared))
        {
            return true; // the schema does not say: the call's value is checked when it comes
        }

        return declared.ValueKind switch
        {
            JsonValueKind.String => Allows(declared.GetString(), type),
            JsonValueKind.Array => declared.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && Allows(t.GetString(), type)),
            _ => false,
        };
    }

    private static bool Allows(string? jsonType, FieldType type) => (type, jsonType) switch
    {
        (FieldType.Number, "number" or "integer") => true,
        (FieldType.Text, "string") => true,
        (FieldType.Flag, "boolean") => true,
        _ => false,
    };

    private static string Describe(JsonElement node) =>
        node.TryGetProperty("type", out var t) ? $"of type {t.GetRawText()}" : "untyped";

    private static string Expected(FieldType type) => type switch
    {
        FieldType.Number => "\"number\" or \"integer\"",
        FieldType.Text => "\"string\"",
        _ => "\"boolean\"",
    };

    internal sealed record FieldRead(string? Field, string Signal, FieldType Type, int Slot, string? Argument, string[] Path, object? Fixed, Action<ToolCall, object?>? Standard);
}

/// <summary>The keys of <see cref="AITool.AdditionalProperties"/> a tool can describe itself with, for its gate to read.</summary>
public static class HitlToolMetadata
{
    /// <summary>How reversible the tool's calls are: <c>reversible</c>, <c>costly-to-reverse</c> or <c>irreversible</c> (a string, or a <see cref="Policy.Reversibility"/>).</summary>
    public const string Reversibility = "hitl.reversibility";

    /// <summary>Whether the tool's calls touch sensitive matters (a boolean).</summary>
    public const string Sensitive = "hitl.sensitive";

    internal static Reversibility? ReversibilityOf(AITool tool) =>
        tool.AdditionalProperties.TryGetValue(Reversibility, out var value) ? value switch
        {
            Policy.Reversibility r when Enum.IsDefined(r) => r,
            string text when Parse(text) is { } parsed => parsed,
            JsonElement { ValueKind: JsonValueKind.String } e when Parse(e.GetString()) is { } parsed => parsed,
            _ => throw new InvalidOperationException(
                $"Tool '{tool.Name}': metadata '{Reversibility}' is '{Convert.ToString(value, CultureInfo.InvariantCulture)}'; it must be reversible, costly-to-reverse or irreversible."),
        } : null;

    private static Reversibility? Parse(string? text) => text switch
    {
        "reversible" => Policy.Reversibility.Reversible,
        "costly-to-reverse" => Policy.Reversibility.CostlyToReverse,
        "irreversible" => Policy.Reversibility.Irreversible,
        _ => null,
    };

    internal static bool? SensitiveOf(AITool tool) =>
        tool.AdditionalProperties.TryGetValue(Sensitive, out var value) ? value switch
        {
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            JsonElement { ValueKind: JsonValueKind.False } => false,
            _ => throw new InvalidOperationException(
                $"Tool '{tool.Name}': metadata '{Sensitive}' is '{Convert.ToString(value, CultureInfo.InvariantCulture)}'; it must be true or false."),
        } : null;
}
