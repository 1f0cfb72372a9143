using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>Whose decisions a <see cref="DisparityFinding"/> is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DisparitySource>))]
public enum DisparitySource
{
    /// <summary>The policy's route: the share of a segment's cases that were auto-executed.</summary>
    [JsonStringEnumMemberName("automated")]
    Automated,

    /// <summary>The reviewers' answers: the share of a segment's answered reviews that were approved (as they were or edited).</summary>
    [JsonStringEnumMemberName("human")]
    Human,
}
