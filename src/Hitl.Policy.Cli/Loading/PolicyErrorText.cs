using System.Globalization;

namespace Hitl.Policy.Cli.Loading;

/// <summary>Prints a policy error the way compilers do (<c>file:line:column: ...</c>), so editors can jump to it.</summary>
internal static class PolicyErrorText
{
    public static string Format(string file, PolicyError error)
    {
        var where = error.Line is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{file}:{line}:{error.Column ?? 1}")
            : file;
        var value = error.Value is null ? "" : $" (value: {error.Value})";
        return $"{where}: {error.Path}: {Message(error)}{value} [{error.Code}]";
    }

    /// <summary>The error's message; for malformed JSON in plain words, without the parser's type names.</summary>
    public static string Message(PolicyError error) =>
        error.Code == PolicyErrorCode.MalformedJson ? Cases.JsonMessages.Plain(error.Message) : error.Message;
}
