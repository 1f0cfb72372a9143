using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>What an override-rate trend is measured over.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftScope>))]
public enum DriftScope
{
    /// <summary>Every judged case of an action type.</summary>
    [JsonStringEnumMemberName("action-type")]
    ActionType,

    /// <summary>Judged cases where a rule fired.</summary>
    [JsonStringEnumMemberName("rule")]
    Rule,

    /// <summary>One reviewer's reviews.</summary>
    [JsonStringEnumMemberName("reviewer")]
    Reviewer,
}
