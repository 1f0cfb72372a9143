using System.Text.Json;

namespace Hitl.Policy.Cli.Cases;

/// <summary>
/// Reads one case (the signals of one model output) from JSON into <see cref="Signals"/>. The standard signals sit at
/// the top level under their policy names; host fields sit under <c>fields</c>, typed by the policy's declarations.
/// A value left out (or <c>null</c>) is not given, and the core fails closed on it: a missing number is NaN, a missing
/// reversibility is irreversible, and a missing flag (<c>sensitive</c>, <c>vulnerable</c> or a host flag) stays left out,
/// which a rule that reads it counts as its riskiest value unless the policy declares a default. An optional <c>caseId</c> names the case in the audit trail (for <c>hitl shadow</c>).
/// </summary>
/// <example>
/// <code>
/// {"action":"refund.issue","requestId":"r-1","confidence":0.97,"amount":120,"reversibility":"reversible",
///  "fields":{"customer.isNew":false,"customer.segment":"retail"}}
/// </code>
/// </example>
internal static class CaseReader
{
    private static readonly string[] Standard =
    [
        StandardSignals.Action, StandardSignals.RequestId, StandardSignals.Confidence, StandardSignals.Risk,
        StandardSignals.Evidence, StandardSignals.Amount, StandardSignals.Category, StandardSignals.Reversibility,
        StandardSignals.Sensitive, StandardSignals.Vulnerable,
    ];

    private const string CaseIdKey = "caseId";

    private static readonly string[] TopLevel = [.. Standard, CaseIdKey, "fields"];

    private static readonly string[] ReversibilityNames = ["reversible", "costly-to-reverse", "irreversible"];

    /// <summary>Whether a name is a standard signal (given at the top level, never under <c>fields</c>).</summary>
    public static bool IsStandardSignal(string name) => Array.IndexOf(Standard, name) >= 0;

    /// <summary>Reads a case from JSON text.</summary>
    /// <exception cref="CaseFormatException">The text is not JSON, or a value does not fit its signal.</exception>
    public static Signals Parse(string json, CaseSchema schema) => Parse(json, schema, out _);

    /// <summary>Reads a case from JSON text, with its optional <c>caseId</c>.</summary>
    /// <exception cref="CaseFormatException">The text is not JSON, or a value does not fit its signal.</exception>
    public static Signals Parse(string json, CaseSchema schema, out string? caseId)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CaseFormatException("", "not valid JSON: " + JsonText.Describe(ex, withLine: json.Contains('\n', StringComparison.Ordinal)));
        }

        using (document)
        {
            return Read(document.RootElement, schema, out caseId);
        }
    }

    /// <summary>Reads a case from a parsed JSON value.</summary>
    /// <exception cref="CaseFormatException">A value does not fit its signal.</exception>
    public static Signals Read(JsonElement element, CaseSchema schema) => Read(element, schema, out _);

    /// <summary>Reads a case from a parsed JSON value, with its optional <c>caseId</c> (the id its audit records carry).</summary>
    /// <exception cref="CaseFormatException">A value does not fit its signal.</exception>
    public static Signals Read(JsonElement element, CaseSchema schema, out string? caseId)
    {
        caseId = null;
        ArgumentNullException.ThrowIfNull(schema);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CaseFormatException("", $"a case is a JSON object; got {JsonText.Show(element)}");
        }

        var signals = new Signals();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (!seen.Add(name))
            {
                throw new CaseFormatException(JsonText.Name(name), "given twice");
            }

            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (name)
            {
                case StandardSignals.Action:
                    signals.ActionType = Text(name, value);
                    break;
                case StandardSignals.RequestId:
                    signals.RequestId = Text(name, value);
                    break;
                case CaseIdKey:
                    caseId = Text(name, value);
                    break;
                case StandardSignals.Confidence:
                    signals.Confidence = Number(name, value);
                    break;
                case StandardSignals.Risk:
                    signals.Risk = Number(name, value);
                    break;
                case StandardSignals.Evidence:
                    signals.Evidence = Number(name, value);
                    break;
                case StandardSignals.Amount:
                    signals.Amount = Number(name, value);
                    break;
                case StandardSignals.Category:
                    signals.Category = Text(name, value);
                    break;
                case StandardSignals.Reversibility:
                    signals.Reversibility = ReversibilityOf(name, value);
                    break;
                case StandardSignals.Sensitive:
                    signals.Sensitive = Flag(name, value);
                    break;
                case StandardSignals.Vulnerable:
                    signals.Vulnerable = Flag(name, value);
                    break;
                case "fields":
                    ReadFields(value, schema, signals);
                    break;
                default:
                    throw new CaseFormatException(JsonText.Name(name), $"not a signal{NameSuggestion.Hint(name, TopLevel)}; a case has {string.Join(", ", TopLevel)} (host fields go under 'fields')");
            }
        }

        return signals;
    }

    private static void ReadFields(JsonElement fields, CaseSchema schema, Signals signals)
    {
        if (fields.ValueKind != JsonValueKind.Object)
        {
            throw new CaseFormatException("fields", $"an object of host field values; got {JsonText.Show(fields)}");
        }

        foreach (var property in fields.EnumerateObject())
        {
            var name = property.Name;
            var path = "fields['" + JsonText.Name(name) + "']";
            if (IsStandardSignal(name))
            {
                throw new CaseFormatException(path, $"'{name}' is a standard signal; give it at the top level of the case");
            }

            if (!schema.TryGetType(name, out var type))
            {
                var declared = string.Join(", ", schema.FieldNames);
                throw new CaseFormatException(path, declared.Length == 0
                    ? "the policy declares no host fields"
                    : $"the policy declares no field '{JsonText.Name(name)}'{NameSuggestion.Hint(name, schema.FieldNames)}; it declares {declared}");
            }

            if (signals.Numbers.ContainsKey(name) || signals.Texts.ContainsKey(name) || signals.Flags.ContainsKey(name))
            {
                throw new CaseFormatException(path, "given twice");
            }

            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (type)
            {
                case FieldType.Number:
                    signals.Numbers[name] = Number(path, value, "the policy declares it a number");
                    break;
                case FieldType.Flag:
                    signals.Flags[name] = Flag(path, value, "the policy declares it a flag");
                    break;
                default:
                    signals.Texts[name] = Text(path, value, "the policy declares it text");
                    break;
            }
        }
    }

    private static double Number(string path, JsonElement value, string? expected = null)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        // JSON has no NaN or infinity; these strings let a case test the fail-closed path on purpose.
        if (value.ValueKind == JsonValueKind.String)
        {
            switch (value.GetString())
            {
                case NaN:
                    return double.NaN;
                case Infinity:
                    return double.PositiveInfinity;
                case NegativeInfinity:
                    return double.NegativeInfinity;
            }
        }

        var hint = value.ValueKind switch
        {
            JsonValueKind.Number => $" (out of range; write \"{Infinity}\" or \"{NegativeInfinity}\" for an infinite value)",
            JsonValueKind.String => $" (the only strings read as numbers are \"{NaN}\", \"{Infinity}\" and \"{NegativeInfinity}\")",
            _ => "",
        };
        throw new CaseFormatException(path, $"expected a number{Why(expected)}; got {JsonText.Show(value)}{hint}");
    }

    /// <summary>The string a case gives for a number that is not a number (JSON has none).</summary>
    public const string NaN = "NaN";

    /// <summary>The string a case gives for positive infinity.</summary>
    public const string Infinity = "Infinity";

    /// <summary>The string a case gives for negative infinity.</summary>
    public const string NegativeInfinity = "-Infinity";

    private static string Text(string path, JsonElement value, string? expected = null)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new CaseFormatException(path, $"expected a string{Why(expected)}; got {JsonText.Show(value)}");
    }

    private static bool Flag(string path, JsonElement value, string? expected = null)
    {
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new CaseFormatException(path, $"expected true or false{Why(expected)}; got {JsonText.Show(value)}"),
        };
    }

    private static Reversibility ReversibilityOf(string path, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text switch
        {
            "reversible" => Reversibility.Reversible,
            "costly-to-reverse" => Reversibility.CostlyToReverse,
            "irreversible" => Reversibility.Irreversible,
            _ => throw new CaseFormatException(path, $"expected one of {string.Join(", ", ReversibilityNames.Select(n => '"' + n + '"'))}; got {JsonText.Show(value)}"),
        };
    }

    private static string Why(string? expected) => expected is null ? "" : " (" + expected + ")";
}
