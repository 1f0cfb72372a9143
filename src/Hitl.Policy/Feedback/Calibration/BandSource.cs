using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>Where the confidence bands of a calibration report come from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BandSource>))]
public enum BandSource
{
    /// <summary>The policy's confidence bands for the action type (its own, else the defaults'); fixed-width bands where it has none.</summary>
    [JsonStringEnumMemberName("policy")]
    Policy,

    /// <summary>Bands of <see cref="CalibrationOptions.BandWidth"/> from 0 to 1, whatever the policy says.</summary>
    [JsonStringEnumMemberName("fixed-width")]
    FixedWidth,
}
