using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Hitl.Policy.Cli.Cases;

/// <summary>
/// Turns what the JSON parser and serializer say into a sentence a policy author reads: no .NET type names, reader
/// options or token kinds. The position (line, column) is reported beside it, so it is cut from the text. A message
/// this does not know keeps its words, but never a type name.
/// </summary>
internal static partial class JsonMessages
{
    private const string Value = "a value (a string in double quotes, a number, true, false, null, an object or an array)";

    /// <summary>The plain sentence for a parser or serializer message.</summary>
    public static string Plain(string message)
    {
        message = WithoutPosition(message);
        if (message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "there is no JSON: the text is empty";
        }

        if (message.Contains("Expected depth to be zero at the end of the JSON payload", StringComparison.Ordinal))
        {
            return "the JSON ends before every object and array is closed: a '}' or ']' is missing (or the text is cut short)";
        }

        if (message.Contains("Expected end of string, but instead reached end of data", StringComparison.Ordinal))
        {
            return "the JSON ends inside a string: a closing '\"' is missing (or the text is cut short)";
        }

        if (message.Contains("but instead reached end of data", StringComparison.Ordinal) || message.Contains("is an invalid end of a number", StringComparison.Ordinal))
        {
            return "the JSON ends too early: a value, ',', '}' or ']' is missing (or the text is cut short)";
        }

        if (message.Contains("contains a trailing comma", StringComparison.Ordinal))
        {
            return "a ',' is followed by no item: remove the comma before the '}' or ']'";
        }

        if (message.Contains("Invalid leading zero", StringComparison.Ordinal))
        {
            return "a number starts with 0 and more digits, which JSON does not allow (write 7, not 07)";
        }

        if (Depth().Match(message) is { Success: true } depth)
        {
            return $"the JSON is nested more than {depth.Groups[1].Value} levels deep";
        }

        if (Duplicate().Match(message) is { Success: true } duplicate)
        {
            return $"'{duplicate.Groups[1].Value}' is given twice";
        }

        if (Converted().Match(message) is { Success: true } converted)
        {
            return "expected " + Kind(converted.Groups[1].Value);
        }

        if (NotAName().Match(message) is { Success: true } notAName)
        {
            return $"expected {EnumKind(notAName.Groups[2].Value)}; found '{notAName.Groups[1].Value}'";
        }

        if (NotAString().Match(message) is { Success: true } notAString)
        {
            var raw = notAString.Groups[3].Value.Trim();
            var token = notAString.Groups[2].Value;
            var found = raw.Length == 0 ? TokenWord(token) : token == "Number" ? "the number " + raw : raw;
            return $"expected {EnumKind(notAString.Groups[1].Value)} as a string; found {found}";
        }

        if (Quoted().Match(message) is { Success: true } quoted)
        {
            var found = Found(quoted.Groups[1].Value);
            var rest = quoted.Groups[2].Value;
            if (rest.StartsWith("is an invalid JSON literal", StringComparison.Ordinal))
            {
                return $"{found} is not a JSON value: JSON's words are true, false and null, and text goes in double quotes";
            }

            if (rest.StartsWith("is invalid after a property name", StringComparison.Ordinal))
            {
                return $"expected ':' after a property name; found {found}";
            }

            if (rest.StartsWith("is an invalid start of a property name", StringComparison.Ordinal))
            {
                return $"expected a property name in double quotes; found {found}";
            }

            if (rest.StartsWith("is invalid after a single JSON value", StringComparison.Ordinal))
            {
                return $"the JSON value is complete, but {found} follows it: a document holds one value";
            }

            if (rest.StartsWith("is invalid after a value", StringComparison.Ordinal))
            {
                return $"expected ',', '}}' or ']' after a value; found {found} (is a comma missing?)";
            }

            if (rest.StartsWith("is an invalid start of a value", StringComparison.Ordinal))
            {
                return $"expected {Value}; found {found}";
            }

            if (rest.StartsWith("is invalid within a JSON string", StringComparison.Ordinal))
            {
                return $"a string holds {found}, which must be escaped (\\t, \\n or \\uXXXX)";
            }

            if (rest.StartsWith("is an invalid escapable character", StringComparison.Ordinal)
                || rest.StartsWith("is not a valid escapable character", StringComparison.Ordinal))
            {
                return $"a string has the escape '\\{quoted.Groups[1].Value}', which JSON does not have (it has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";
            }

            if (rest.StartsWith("is not a hex digit", StringComparison.Ordinal))
            {
                return "a string has a \\u escape without four hex digits";
            }

            if (rest.StartsWith("is invalid within a number", StringComparison.Ordinal))
            {
                return $"a number is cut short: found {found} where a digit was expected";
            }
        }

        if (message.Contains("invalid UTF-8", StringComparison.Ordinal) || message.Contains("UTF-8 JSON text", StringComparison.Ordinal))
        {
            return "the text is not valid UTF-8: save the file as UTF-8";
        }

        // The core's own converters say "found StartArray"; a person says "found an array".
        message = Token().Replace(message, m => "found " + TokenWord(m.Groups[1].Value));
        message = EnumValue().Replace(message, m => "a " + Words(m.Groups[1].Value));
        return TypeName().IsMatch(message) ? "the value does not fit here" : Sentence(message);
    }

    /// <summary>What a .NET type reads as: <c>List`1[System.String]</c> is an array of strings.</summary>
    private static string Kind(string type)
    {
        if (type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) && type.EndsWith(']'))
        {
            type = type["System.Nullable`1[".Length..^1];
        }

        if (type.StartsWith("System.Collections.Generic.List`1[", StringComparison.Ordinal) && type.EndsWith(']'))
        {
            var item = type["System.Collections.Generic.List`1[".Length..^1];
            return item switch
            {
                "System.String" => "an array of strings",
                "System.Double" => "an array of numbers",
                _ => "an array",
            };
        }

        return type switch
        {
            "System.String" => "a string",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "an ISO 8601 duration such as \"PT4H\"",
            "Hitl.Policy.RouteLevel" => "a route (" + OneOf(Enum.GetValues<RouteLevel>().Select(r => r.ToJsonName())) + ")",
            "Hitl.Policy.FieldType" => "a field type (" + OneOf(Names<FieldType>()) + ")",
            "Hitl.Policy.Definition.SamplingMode" => "a sampling mode (" + OneOf(Names<Definition.SamplingMode>()) + ")",
            "Hitl.Policy.Definition.ScalarValue" => "a number, a string or true/false",
            _ when type.StartsWith("System.Collections.Generic.Dictionary`2[", StringComparison.Ordinal) => "an object",
            _ when type.StartsWith("Hitl.Policy.Definition.", StringComparison.Ordinal) => "an object",
            _ => "another kind of value",
        };
    }

    private static string EnumKind(string name) => name switch
    {
        "RouteLevel" => Kind("Hitl.Policy.RouteLevel"),
        "FieldType" => Kind("Hitl.Policy.FieldType"),
        "SamplingMode" => Kind("Hitl.Policy.Definition.SamplingMode"),
        _ => "a " + Words(name),
    };

    /// <summary><c>a, b or c</c>.</summary>
    private static string OneOf(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count < 2 ? string.Concat(list) : string.Join(", ", list[..^1]) + " or " + list[^1];
    }

    /// <summary>The JSON names of an enum's values, as the policy file writes them.</summary>
    private static IEnumerable<string> Names<TEnum>()
        where TEnum : struct, Enum =>
        typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

    /// <summary>
    /// A command-line parse error without the .NET type it names: <c>Cannot parse argument 'abc' for option '--target'
    /// as expected type 'System.Double'.</c> reads <c>--target: 'abc' is not a number.</c>
    /// </summary>
    public static string PlainUsage(string message)
    {
        if (CannotParse().Match(message) is { Success: true } m)
        {
            return $"{m.Groups[2].Value}: '{m.Groups[1].Value}' is not {Kind(m.Groups[3].Value)}.";
        }

        return TypeName().IsMatch(message) ? TypeName().Replace(message, "") : message;
    }

    /// <summary>The character the parser quotes: control characters come as <c>0x09</c>.</summary>
    private static string Found(string text) => text.StartsWith("0x", StringComparison.Ordinal)
        ? "the character " + text
        : "'" + (text.Length > 20 ? text[..20] + "..." : text) + "'";

    private static string TokenWord(string token) => token switch
    {
        "StartArray" => "an array",
        "StartObject" => "an object",
        "String" => "a string",
        "Number" => "a number",
        "True" => "true",
        "False" => "false",
        "Null" => "null",
        _ => "something else",
    };

    /// <summary><c>SamplingMode</c> as words: <c>sampling mode</c>.</summary>
    private static string Words(string pascal) => Regex.Replace(pascal, "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant();

    private static string WithoutPosition(string message)
    {
        foreach (var marker in (string[])[" Path:", " LineNumber:", " | LineNumber:"])
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message.TrimEnd(' ', '|');
    }

    /// <summary>A message in the style of the tool's others: no capital at the start, no full stop at the end.</summary>
    private static string Sentence(string message)
    {
        message = message.TrimEnd('.');
        return message.Length > 1 && char.IsUpper(message[0]) && !char.IsUpper(message[1])
            ? char.ToLowerInvariant(message[0]) + message[1..]
            : message;
    }

    [GeneratedRegex(@"^'(.*?)' (is .*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^'(.*?)' is not the name of a (\w+) value", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex NotAName();

    [GeneratedRegex(@"^Expected the name of a (\w+) value as a string, found (\w+)( [^;]*)?;", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex NotAString();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (?:option|argument) '(.*)' as expected type '(.*)'\.?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"maximum configured depth of (\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Depth();

    [GeneratedRegex(@"^Duplicate property '(.*?)' encountered", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"^The JSON value could not be converted to (\S+?)\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex Converted();

    [GeneratedRegex(@"found (StartArray|StartObject|EndArray|EndObject|String|Number|True|False|Null|PropertyName|Comment|None)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    [GeneratedRegex(@"\ba ([A-Z][A-Za-z]+) value\b", RegexOptions.CultureInvariant)]
    private static partial Regex EnumValue();

    [GeneratedRegex(@"\bSystem\.|\bHitl\.Policy\.|`\d|\bisFinalBlock\b|\bException\b|\bJsonTokenType\b", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}
