namespace Hitl.Policy.Review;

/// <summary>A message for a person on the loop.</summary>
public sealed record Notice
{
    /// <summary>What the notice is about.</summary>
    public required NoticeKind Kind { get; init; }

    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The route that applies now.</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The rule (or built-in) that set the route.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>Who acted, when a person did.</summary>
    public string? Actor { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>One readable sentence.</summary>
    public required string Message { get; init; }
}
