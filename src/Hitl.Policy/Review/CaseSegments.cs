using System.Collections.ObjectModel;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Review;

/// <summary>
/// The groups a case belongs to for oversight (a customer group, a region, a language, a product): written on the case's
/// decision record as <see cref="AuditEntry.Data"/> entries <c>segment.NAME</c>, so that <c>hitl oversight</c> and
/// the oversight reports can break outcomes down by them. A case takes its segments from
/// <see cref="GateRequest{TContext}.Segments"/> and from the readers declared with
/// <see cref="ReviewGateBuilder{TContext}.SegmentBy"/>; a request's own value wins over a reader's.
/// </summary>
public static class CaseSegments
{
    /// <summary>The prefix of a segment's key in the decision record's <see cref="AuditEntry.Data"/>.</summary>
    public const string DataPrefix = "segment.";

    /// <summary>How many segments a case carries at most.</summary>
    public const int MaxEntries = CaseCorrelation.MaxEntries;

    /// <summary>The segments on an audit record: its <see cref="AuditEntry.Data"/> entries under <see cref="DataPrefix"/>, without the prefix.</summary>
    /// <param name="entry">The record, normally a <see cref="ActKind.Decided"/> one.</param>
    /// <returns>The segments by name; empty when the record has none.</returns>
    public static IReadOnlyDictionary<string, string> Of(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Data is not { Count: > 0 } data)
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        Dictionary<string, string>? segments = null;
        foreach (var (key, value) in data)
        {
            if (key.Length > DataPrefix.Length && key.StartsWith(DataPrefix, StringComparison.Ordinal))
            {
                (segments ??= new(StringComparer.Ordinal))[key[DataPrefix.Length..]] = value;
            }
        }

        return segments is null ? ReadOnlyDictionary<string, string>.Empty : segments.AsReadOnly();
    }

    /// <summary>Checks a segment name declared with <see cref="ReviewGateBuilder{TContext}.SegmentBy"/>.</summary>
    internal static string CheckedName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!CaseCorrelation.IsKey(name))
        {
            throw new ArgumentException(
                $"The segment name '{(name.Length <= 40 ? name : name[..40] + "…")}' is not valid: a name is 1 to {CaseCorrelation.MaxKeyLength} letters, digits, '.', '-' or '_'.",
                nameof(name));
        }

        return name;
    }

    /// <summary>Whether a value read by a segment reader may go on record as it is.</summary>
    internal static bool IsValue(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= CaseCorrelation.MaxValueLength && !value.Any(char.IsControl) && AuditEntryRules.IsWellFormed(value, out _);

    /// <summary>The decision record's data with the segments added under <see cref="DataPrefix"/>.</summary>
    internal static IReadOnlyDictionary<string, string>? With(IReadOnlyDictionary<string, string>? data, IReadOnlyDictionary<string, string>? segments)
    {
        if (segments is not { Count: > 0 })
        {
            return data;
        }

        var merged = data is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(data, StringComparer.Ordinal);
        foreach (var (name, value) in segments)
        {
            merged[DataPrefix + name] = value;
        }

        return merged;
    }
}

/// <summary>A segment reader declared with <see cref="ReviewGateBuilder{TContext}.SegmentBy"/>.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <param name="Name">The segment's name.</param>
/// <param name="Read">Reads the segment's value from a context; <see langword="null"/> or empty leaves it out.</param>
internal sealed record SegmentReader<TContext>(string Name, Func<TContext, string?> Read);
