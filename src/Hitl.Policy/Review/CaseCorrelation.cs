using System.Collections.ObjectModel;

namespace Hitl.Policy.Review;

/// <summary>
/// The bounds of <see cref="GateRequest{TContext}.Correlation"/>: the host's ids that tie a case to its own records. They
/// are written on every record of the case, so they are kept short and plain.
/// </summary>
public static class CaseCorrelation
{
    /// <summary>The key of an agent conversation's id.</summary>
    public const string ConversationId = "conversationId";

    /// <summary>The key of a tool call's id.</summary>
    public const string ToolCallId = "toolCallId";

    /// <summary>How many ids a case carries at most.</summary>
    public const int MaxEntries = 8;

    /// <summary>How long a key is at most.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>How long a value is at most.</summary>
    public const int MaxValueLength = 256;

    /// <summary>A frozen copy of the ids, or an <see cref="ArgumentException"/> that names the key and what is wrong with it.</summary>
    internal static IReadOnlyDictionary<string, string>? Checked(IReadOnlyDictionary<string, string>? correlation, string caseId, string property = "Correlation")
    {
        if (correlation is null || correlation.Count == 0)
        {
            return null;
        }

        if (correlation.Count > MaxEntries)
        {
            throw Invalid(property, caseId, $"has {correlation.Count} entries; a case carries at most {MaxEntries}.");
        }

        var copy = new Dictionary<string, string>(correlation.Count, StringComparer.Ordinal);
        foreach (var (key, value) in correlation)
        {
            if (!IsKey(key))
            {
                throw Invalid(property, caseId, $"has the key '{Shorten(key)}'; a key is 1 to {MaxKeyLength} letters, digits, '.', '-' or '_'.");
            }

            if (value is null || value.Length > MaxValueLength || value.Any(char.IsControl) || !Audit.AuditEntryRules.IsWellFormed(value, out _))
            {
                throw Invalid(property, caseId, $"['{key}'] is {(value is null ? "null" : $"'{Shorten(value)}' ({value.Length} characters)")}; a value is at most {MaxValueLength} characters of well-formed text without control characters.");
            }

            copy[key] = value;
        }

        return new ReadOnlyDictionary<string, string>(copy);
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_';

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";

    internal static bool IsKey(string? key) => !string.IsNullOrEmpty(key) && key.Length <= MaxKeyLength && key.All(IsKeyChar);

    private static ArgumentException Invalid(string property, string caseId, string problem) =>
        new($"GateRequest.{property} of case '{caseId}' {problem} Nothing was recorded.");
}
