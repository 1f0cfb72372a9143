using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>How a confidence interval for a proportion (an agreement rate, an error rate) is computed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IntervalMethod>))]
public enum IntervalMethod
{
    /// <summary>The Wilson score interval: close to nominal coverage, well behaved near 0 and 1, cheap.</summary>
    [JsonStringEnumMemberName("wilson")]
    Wilson,

    /// <summary>The Clopper–Pearson (exact) interval: never below nominal coverage, somewhat wider.</summary>
    [JsonStringEnumMemberName("clopper-pearson")]
    ClopperPearson,
}
