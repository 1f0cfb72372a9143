using System.Globalization;

namespace Hitl.Policy;

/// <summary>One problem in a policy, with where it is and the offending value.</summary>
/// <param name="Code">What kind of problem.</param>
/// <param name="Path">Where: a JSON path such as <c>$.actions['loan.approve'].rules[2].when.gt</c> (the same path for a builder-made policy).</param>
/// <param name="Message">What is wrong and what to do.</param>
/// <param name="Value">The offending value as written, when there is one.</param>
public sealed record PolicyError(PolicyErrorCode Code, string Path, string Message, string? Value = null)
{
    /// <summary>The 1-based line in the JSON source, when the policy came from JSON.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column (byte position in the line) in the JSON source, when the policy came from JSON.</summary>
    public int? Column { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var where = Line is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"{Path} (line {line}, column {Column})")
            : Path;
        return Value is null ? $"{where}: {Message} [{Code}]" : $"{where}: {Message} (value: {Value}) [{Code}]";
    }
}
