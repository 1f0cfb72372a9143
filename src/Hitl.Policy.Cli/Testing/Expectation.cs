using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>
/// What a test expects. The route is required; the tier (a tier name, or null for none), the approvals, the deciding
/// rule, rules that must fire and flags that must be set are checked only when the test gives them.
/// </summary>
internal sealed record Expectation
{
    public RouteLevel Route { get; init; }

    public bool ChecksTier { get; init; }

    public string? Tier { get; init; }

    public int? Approvals { get; init; }

    public string? DecidedBy { get; init; }

    public IReadOnlyList<string> Fired { get; init; } = [];

    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>The expectation in the words the report uses for the actual decision.</summary>
    public override string ToString()
    {
        var parts = new List<string> { Route.ToJsonName() };
        if (ChecksTier)
        {
            parts.Add(Tier is null ? "no tier" : "tier " + Tier);
        }

        if (Approvals is { } approvals)
        {
            parts.Add(DecisionText.Approvals(approvals));
        }

        var text = string.Join(", ", parts);
        if (DecidedBy is not null)
        {
            text += "; decided by " + DecidedBy;
        }

        if (Fired.Count > 0)
        {
            text += "; fires " + string.Join(", ", Fired);
        }

        if (Flags.Count > 0)
        {
            text += "; flags " + string.Join(", ", Flags);
        }

        return text;
    }
}
