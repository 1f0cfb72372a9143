using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Cli.Commands;
using Hitl.Policy.Review;

namespace Hitl.Policy.Cli.Output;

/// <summary>How the <c>hitl cases</c> commands name states, print times and shorten case text.</summary>
internal static class CaseText
{
    /// <summary>Every state with the name the command line and the JSON output use, in the order people think of them.</summary>
    public static readonly (CaseState State, string Name)[] States =
    [
        (CaseState.Pending, "pending"),
        (CaseState.Held, "held"),
        (CaseState.AutoExecuted, "auto-executed"),
        (CaseState.Approved, "approved"),
        (CaseState.Rejected, "rejected"),
        (CaseState.Blocked, "blocked"),
        (CaseState.Overridden, "overridden"),
        (CaseState.Reversed, "reversed"),
    ];

    /// <summary>The state's name: <c>pending</c>, <c>auto-executed</c>.</summary>
    public static string Name(CaseState state)
    {
        foreach (var (known, name) in States)
        {
            if (known == state)
            {
                return name;
            }
        }

        return state.ToString();
    }

    /// <summary>The state of a name, or <see langword="null"/>.</summary>
    public static CaseState? Parse(string name) =>
        Array.FindIndex(States, s => s.Name == name) is var i and >= 0 ? States[i].State : null;

    /// <summary>A time for a table: UTC to the second, <c>2026-11-23 09:00:00Z</c>; <c>-</c> when there is none.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>How long until a deadline: <c>45m 00s</c>, or <c>overdue 2h 05m</c> once it passed; <c>-</c> without one.</summary>
    public static string TimeLeft(DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is not { } due)
        {
            return "-";
        }

        var left = due - now;
        return left >= TimeSpan.Zero ? AuditStatsCommand.Duration(left) : "overdue " + AuditStatsCommand.Duration(-left);
    }

    /// <summary>At most <paramref name="max"/> characters of a text, with <c>…</c> when cut (never inside a surrogate pair).</summary>
    public static string Shorten(string? text, int max)
    {
        if (string.IsNullOrEmpty(text) || text.Length <= max)
        {
            return text ?? "";
        }

        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return text[..cut] + "…";
    }

    /// <summary>A number for a table: invariant, up to four decimals; <c>-</c> when there is none.</summary>
    public static string Number(double? value) =>
        value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>Writes a time as ISO 8601 in UTC, or null.</summary>
    public static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? at)
    {
        if (at is { } t)
        {
            writer.WriteString(name, t.ToUniversalTime());
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>The one-object summary of a case that <c>hitl cases list --format json</c> gives.</summary>
    public static void WriteSummary(Utf8JsonWriter w, CaseRecord c, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("id", c.Id);
        w.WriteNumber("version", c.Version);
        w.WriteString("state", Name(c.State));
        w.WriteBoolean("open", c.IsOpen);
        w.WriteString("route", c.Route.ToJsonName());
        w.WriteString("actionType", c.ActionType);
        w.WriteString("requiredTier", c.RequiredTier);
        w.WriteNumber("approvals", c.Approvers.Count);
        w.WriteNumber("requiredApprovals", c.RequiredApprovals);
        w.WriteString("requester", c.Requester);
        w.WriteString("subject", c.Subject);
        WriteTime(w, "openedAt", c.OpenedAt);
        WriteTime(w, "deadlineAt", c.DeadlineAt);
        if (c.DeadlineAt is { } due)
        {
            w.WriteNumber("secondsLeft", Math.Round((due - now).TotalSeconds, 3));
        }
        else
        {
            w.WriteNull("secondsLeft");
        }

        WriteTime(w, "closedAt", c.ClosedAt);
        w.WriteString("summary", c.Summary);
        w.WriteEndObject();
    }

    /// <summary>Reads a time option: ISO 8601, UTC when no offset is given (<c>2026-11-23</c>, <c>2026-11-23T09:00:00Z</c>).</summary>
    /// <exception cref="CliException">The value is not a time; the message names the option and the value.</exception>
    public static DateTimeOffset? ParseTime(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var at)
            && value.AsSpan().Trim().Length >= 10 && char.IsAsciiDigit(value.AsSpan().Trim()[0]))
        {
            return at;
        }

        throw new CliException($"{option}: '{Shorten(value, 100)}' is not an ISO 8601 time; give one such as 2026-11-23T09:00:00Z, or 2026-11-23 for midnight UTC.");
    }
}
