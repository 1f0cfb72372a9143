using System.Collections.ObjectModel;

namespace Hitl.Policy.Audit;

/// <summary>What every store checks before it appends an entry, and the frozen copy it keeps.</summary>
internal static class AuditEntryRules
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the field and the value when the entry cannot be recorded
    /// faithfully. <paramref name="lastSequence"/> is the newest record a correction may point at.
    /// <paramref name="tornTailRepair"/> lets a correction without <see cref="AuditEntry.Supersedes"/> through.
    /// </summary>
    public static void Validate(AuditEntry entry, long lastSequence, bool tornTailRepair = false)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!Enum.IsDefined(entry.Act))
        {
            throw Invalid(nameof(AuditEntry.Act), $"is {(int)entry.Act}, which is not an ActKind.");
        }

        if (string.IsNullOrWhiteSpace(entry.CaseId))
        {
            throw Invalid(nameof(AuditEntry.CaseId), $"is required, found '{entry.CaseId}'.");
        }

        if (entry.At == default)
        {
            throw Invalid(nameof(AuditEntry.At), $"is not set ({entry.At:O}); take it from the host's TimeProvider.");
        }

        if (entry.Route is { } route && !Enum.IsDefined(route))
        {
            throw Invalid(nameof(AuditEntry.Route), $"is {(int)route}, which is not a Route.");
        }

        // The store's own torn-tail repair corrects bytes that never became a record, so it has nothing to point at.
        if (entry.Act == ActKind.Corrected && entry.Supersedes is null && !tornTailRepair)
        {
            throw Invalid(nameof(AuditEntry.Supersedes), "is required when Act is Corrected: a correction names the record it corrects.");
        }

        if (entry.Supersedes is { } supersedes && (supersedes < 1 || supersedes > lastSequence))
        {
            throw Invalid(
                nameof(AuditEntry.Supersedes),
                $"is {supersedes}, but the trail holds records 1 to {lastSequence}: a correction can only point at a record already written.");
        }

        CheckText(nameof(AuditEntry.CaseId), entry.CaseId);
        CheckText(nameof(AuditEntry.ActionType), entry.ActionType);
        CheckText(nameof(AuditEntry.RequestId), entry.RequestId);
        CheckText(nameof(AuditEntry.PolicyId), entry.PolicyId);
        CheckText(nameof(AuditEntry.PolicyVersion), entry.PolicyVersion);
        CheckText(nameof(AuditEntry.PolicyHash), entry.PolicyHash);
        CheckText(nameof(AuditEntry.InputDigest), entry.InputDigest);
        CheckText(nameof(AuditEntry.EditedDigest), entry.EditedDigest);
        CheckText(nameof(AuditEntry.RequiredTier), entry.RequiredTier);
        CheckText(nameof(AuditEntry.DecidedBy), entry.DecidedBy);
        CheckText(nameof(AuditEntry.Actor), entry.Actor);
        CheckText(nameof(AuditEntry.ActorRole), entry.ActorRole);
        CheckText(nameof(AuditEntry.ActorTier), entry.ActorTier);
        CheckText(nameof(AuditEntry.ReasonCode), entry.ReasonCode);
        CheckText(nameof(AuditEntry.Reason), entry.Reason);
        if (entry.RulesFired is { } rules)
        {
            var i = 0;
            foreach (var rule in rules)
            {
                var name = $"{nameof(AuditEntry.RulesFired)}[{i++}]";
                if (rule is null)
                {
                    throw Invalid(name, "is null.");
                }

                CheckText(name, rule);
            }
        }

        CheckMap(nameof(AuditEntry.Data), entry.Data);
        CheckMap(nameof(AuditEntry.Correlation), entry.Correlation);
    }

    private static void CheckMap(string field, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return;
        }

        foreach (var pair in map)
        {
            var name = $"{field}['{pair.Key}']";
            CheckText(name, pair.Key);
            if (pair.Value is null)
            {
                throw Invalid(name, "is null; record an empty string or leave the key out.");
            }

            CheckText(name, pair.Value);
        }
    }

    /// <summary>
    /// A copy whose lists the caller can no longer change, so that what a store holds is what it hashed.
    /// </summary>
    public static AuditEntry Freeze(AuditEntry entry)
    {
        if (entry.RulesFired is null && entry.Data is null && entry.Correlation is null)
        {
            return entry;
        }

        return entry with
        {
            RulesFired = entry.RulesFired is null ? null : Array.AsReadOnly(entry.RulesFired.ToArray()),
            Data = Frozen(entry.Data),
            Correlation = Frozen(entry.Correlation),
        };
    }

    private static ReadOnlyDictionary<string, string>? Frozen(IReadOnlyDictionary<string, string>? map) =>
        map is null ? null : new ReadOnlyDictionary<string, string>(map.ToDictionary(StringComparer.Ordinal));

    private static void CheckText(string field, string? value)
    {
        // JSON cannot carry a lone surrogate; the writer would swap it for U+FFFD and the record would not say what was given.
        if (value is not null && !IsWellFormed(value, out var index))
        {
            throw Invalid(field, $"has an unpaired surrogate at index {index} ('{value}'); only well-formed text can be recorded faithfully.");
        }
    }

    /// <summary>Whether the text has no unpaired surrogate (JSON could not carry one faithfully); the index of the first one.</summary>
    internal static bool IsWellFormed(string value, out int index)
    {
        for (index = 0; index < value.Length; index++)
        {
            var c = value[index];
            if (char.IsHighSurrogate(c) && index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]))
            {
                index++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    private static ArgumentException Invalid(string field, string problem, string parameter = "entry") =>
        new($"AuditEntry.{field} {problem}", parameter);
}
