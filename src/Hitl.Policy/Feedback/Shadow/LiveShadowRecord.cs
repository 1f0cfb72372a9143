using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>
/// One line of a live shadow's record file: a sampled decision on which the candidate differed from the active policy.
/// Written by <see cref="LiveShadow{TContext}"/>, read back by <c>hitl shadow --records</c>.
/// </summary>
internal sealed record LiveShadowRecord
{
    /// <summary>When the decision was made, by the host's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The active policy that decided, as <c>id@version</c>.</summary>
    public required string ActivePolicy { get; init; }

    /// <summary>The candidate, as <c>id@version</c>.</summary>
    public required string CandidatePolicy { get; init; }

    /// <summary>The action type, as the active policy names it.</summary>
    public string? ActionType { get; init; }

    /// <summary>The request id, when the context schema reads one.</summary>
    public string? RequestId { get; init; }

    /// <summary>How the decisions differ.</summary>
    public required ShadowDifferenceKind Kind { get; init; }

    /// <summary>The active route (the one that applied).</summary>
    public required RouteLevel ActiveRoute { get; init; }

    /// <summary>The candidate's route; left out when it threw.</summary>
    public RouteLevel? CandidateRoute { get; init; }

    /// <summary>The active decision's required reviewer tier.</summary>
    public string? ActiveTier { get; init; }

    /// <summary>The candidate's required reviewer tier.</summary>
    public string? CandidateTier { get; init; }

    /// <summary>The rule that set the active route.</summary>
    public string? ActiveDecidedBy { get; init; }

    /// <summary>The rule that set the candidate's route.</summary>
    public string? CandidateDecidedBy { get; init; }

    /// <summary>The record as a difference of a <see cref="ShadowRun"/>, under the given case id.</summary>
    public ShadowDifference ToDifference(string caseId) => new()
    {
        CaseId = caseId,
        ActionType = ActionType,
        Kind = Kind,
        ActiveRoute = ActiveRoute,
        CandidateRoute = CandidateRoute,
        ActiveTier = ActiveTier,
        CandidateTier = CandidateTier,
        ActiveDecidedBy = ActiveDecidedBy,
        CandidateDecidedBy = CandidateDecidedBy,
    };
}

/// <summary>
/// Source-generated serialization of <see cref="LiveShadowRecord"/>: one compact JSON object per line, absent values
/// left out, every character outside printable ASCII escaped (so a hostile request id cannot break a line or a terminal).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(LiveShadowRecord))]
internal sealed partial class LiveShadowJsonContext : JsonSerializerContext;
