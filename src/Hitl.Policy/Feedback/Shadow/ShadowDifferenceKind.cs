using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>How a candidate policy's decision differs from the active one's.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShadowDifferenceKind>))]
public enum ShadowDifferenceKind
{
    /// <summary>The candidate's route is less restrictive (for example auto-execute where the active policy asks for review).</summary>
    [JsonStringEnumMemberName("candidate-looser")]
    CandidateLooser,

    /// <summary>The candidate's route is more restrictive.</summary>
    [JsonStringEnumMemberName("candidate-stricter")]
    CandidateStricter,

    /// <summary>Same route, another required reviewer tier.</summary>
    [JsonStringEnumMemberName("tier")]
    Tier,

    /// <summary>The candidate threw; the active decision stood, as it always does.</summary>
    [JsonStringEnumMemberName("candidate-fault")]
    CandidateFault,
}
