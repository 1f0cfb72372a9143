using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>What an oversight alert is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OversightAlertKind>))]
public enum OversightAlertKind
{
    /// <summary>A reviewer approves far faster than their peers and almost never edits or rejects (<see cref="RubberStampFinding"/>).</summary>
    [JsonStringEnumMemberName("rubber-stamp")]
    RubberStamp,

    /// <summary>An override rate rises over time (<see cref="DriftTrend"/>).</summary>
    [JsonStringEnumMemberName("drift")]
    Drift,

    /// <summary>One segment's auto-execute or approval rate falls below four fifths of another's, significantly (<see cref="DisparityFinding"/>).</summary>
    [JsonStringEnumMemberName("disparity")]
    Disparity,

    /// <summary>An action type's auto path errs more often than its bound (<see cref="AutoPathErrorRate"/>).</summary>
    [JsonStringEnumMemberName("auto-path-error-rate")]
    AutoPathErrorRate,
}
