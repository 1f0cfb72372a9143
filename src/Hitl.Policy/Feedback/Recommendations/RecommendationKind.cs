using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>What the evidence says about an action type's auto-execute confidence threshold.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecommendationKind>))]
public enum RecommendationKind
{
    /// <summary>Keep the threshold: it is not shown to fail, and nothing lower is supported.</summary>
    [JsonStringEnumMemberName("hold")]
    Hold,

    /// <summary>A lower threshold (more autonomy) meets the target on at least the minimum sample.</summary>
    [JsonStringEnumMemberName("loosen")]
    Loosen,

    /// <summary>The evidence says the auto-executed confidence range misses the target: raise the threshold, or stop auto-execution.</summary>
    [JsonStringEnumMemberName("tighten")]
    Tighten,

    /// <summary>Too few judged cases to say anything; nothing changes.</summary>
    [JsonStringEnumMemberName("insufficient-evidence")]
    InsufficientEvidence,
}
