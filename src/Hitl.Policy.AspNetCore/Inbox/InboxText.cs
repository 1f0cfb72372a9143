using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Review;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>Words and numbers as the inbox shows them.</summary>
internal static class InboxText
{
    /// <summary>How long until the deadline, in words: "2 h 5 min left", "overdue by 3 min", "no deadline".</summary>
    public static string TimeLeft(DateTimeOffset? deadline, DateTimeOffset now)
    {
        if (deadline is not { } at)
        {
            return "no deadline";
        }

        var left = at - now;
        return left >= TimeSpan.Zero ? Span(left) + " left" : "overdue by " + Span(-left);
    }

    public static string Span(TimeSpan span)
    {
        if (span.TotalDays >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h");
        }

        if (span.TotalHours >= 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min");
        }

        return span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)} s");
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static string Percent(double? value) => value is { } v && double.IsFinite(v)
        ? (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %"
        : "not given";

    public static string Route(RouteLevel route) => route switch
    {
        RouteLevel.AutoExecute => "auto-execute",
        RouteLevel.AutoExecuteWithNotice => "auto-execute with notice",
        RouteLevel.Review => "review",
        RouteLevel.Escalate => "escalate",
        RouteLevel.Block => "block",
        _ => route.ToString().ToLowerInvariant(),
    };

    public static string State(CaseState state) => state switch
    {
        CaseState.Pending => "pending",
        CaseState.Held => "held by the kill switch",
        CaseState.AutoExecuted => "auto-executed",
        _ => state.ToString().ToLowerInvariant(),
    };

    public static string Act(Audit.ActKind act) => System.Text.Json.JsonSerializer.Serialize(act).Trim('"');

    /// <summary>What others did to the case after a time, in words ("timed-out by the gate at ..., escalated by sam at ..."), or <see langword="null"/> when nothing.</summary>
    public static string? Since(IReadOnlyList<CaseEvent> history, DateTimeOffset since, string reviewerId)
    {
        var changes = history
            .Where(e => e.At > since && !string.Equals(e.Actor, reviewerId, StringComparison.Ordinal))
            .Select(e => $"{Act(e.Act)} by {(e.Actor is null or "system" ? "the gate" : e.Actor)} at {Time(e.At)}")
            .ToList();
        return changes.Count == 0 ? null : string.Join(", ", changes);
    }

    /// <summary>At most <paramref name="max"/> characters, with an ellipsis when cut.</summary>
    public static string Cut(string? text, int max) =>
        string.IsNullOrEmpty(text) ? "" : text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    /// <summary>The payload indented when it is JSON, else as it is (shown as text either way).</summary>
    public static string Readable(string payload)
    {
        if (!LooksLikeJson(payload))
        {
            return payload;
        }

        try
        {
            using var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 });
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return payload;
        }
    }

    /// <summary>Whether the text is a JSON document (an edit of such a payload must be one too).</summary>
    public static bool IsJson(string text)
    {
        if (!LooksLikeJson(text))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Why the text is not JSON, in words with the line and position, or <see langword="null"/> when it is.</summary>
    public static string? JsonProblem(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return null;
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var position = (ex.BytePositionInLine ?? 0) + 1;
            return string.Create(CultureInfo.InvariantCulture, $"The edited payload is not valid JSON (line {line}, position {position}); the original is JSON, so the edit must be too. Nothing was recorded.");
        }
    }

    private static bool LooksLikeJson(string text)
    {
        var t = text.AsSpan().TrimStart();
        return t.Length > 0 && t[0] is '{' or '[';
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
