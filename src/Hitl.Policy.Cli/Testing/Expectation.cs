using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>
/// What a test expects. A route is required, exact (<c>route</c>) or a least strict one (<c>routeAtLeast</c>); the
/// tier (a tier name, or null for none), the approvals, the deciding rule, rules that must fire, flags that must be
/// among those set (<c>flags</c>) or the exact set of flags (<c>flagsExactly</c>) are checked only when the test gives them.
/// </summary>
internal sealed record Expectation
{
    /// <summary>The route the decision must have, or null when only <see cref="RouteAtLeast"/> is given.</summary>
    public RouteLevel? Route { get; init; }

    /// <summary>The least strict route the decision may have (auto-execute &lt; auto-execute-with-notice &lt; review &lt; escalate &lt; block).</summary>
    public RouteLevel? RouteAtLeast { get; init; }

    public bool ChecksTier { get; init; }

    public string? Tier { get; init; }

    public int? Approvals { get; init; }

    public string? DecidedBy { get; init; }

    public IReadOnlyList<string> Fired { get; init; } = [];

    /// <summary>Flags that must be set; others may be set too.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>The flags that must be set and no others (empty: no flag at all), or null when not checked.</summary>
    public IReadOnlyList<string>? FlagsExactly { get; init; }

    /// <summary>Writes the expectation as the test file gives it: only the keys given, values as JSON values.</summary>
    public void WriteJson(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (Route is { } route)
        {
            writer.WriteString("route", route.ToJsonName());
        }

        if (RouteAtLeast is { } least)
        {
            writer.WriteString("routeAtLeast", least.ToJsonName());
        }

        if (ChecksTier)
        {
            writer.WriteString("tier", Tier);
        }

        if (Approvals is { } approvals)
        {
            writer.WriteNumber("approvals", approvals);
        }

        if (DecidedBy is not null)
        {
            writer.WriteString("decidedBy", DecidedBy);
        }

        WriteList(writer, "fired", Fired.Count > 0 ? Fired : null);
        WriteList(writer, "flags", Flags.Count > 0 ? Flags : null);
        WriteList(writer, "flagsExactly", FlagsExactly);
        writer.WriteEndObject();
    }

    private static void WriteList(System.Text.Json.Utf8JsonWriter writer, string name, IReadOnlyList<string>? items)
    {
        if (items is null)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    /// <summary>The expectation in the words the report uses for the actual decision.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Route is { } route)
        {
            parts.Add(route.ToJsonName());
        }
        else if (RouteAtLeast is { } least)
        {
            parts.Add("at least " + least.ToJsonName());
        }

        if (ChecksTier)
        {
            parts.Add(Tier is null ? "no tier" : "tier " + Cases.JsonText.Name(Tier));
        }

        if (Approvals is { } approvals)
        {
            parts.Add(DecisionText.Approvals(approvals));
        }

        var text = string.Join(", ", parts);
        if (DecidedBy is not null)
        {
            text += "; decided by " + Cases.JsonText.Name(DecidedBy);
        }

        if (Fired.Count > 0)
        {
            text += "; fires " + string.Join(", ", Fired.Select(Cases.JsonText.Name));
        }

        if (Flags.Count > 0)
        {
            text += "; flags " + string.Join(", ", Flags);
        }

        if (FlagsExactly is { } exactly)
        {
            text += "; flags exactly " + (exactly.Count == 0 ? "none" : string.Join(", ", exactly));
        }

        return text;
    }
}
