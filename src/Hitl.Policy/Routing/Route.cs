using System.Text.Json.Serialization;

namespace Hitl.Policy;

/// <summary>
/// The answer of <see cref="IEscalationPolicy{TContext}.Route"/>: a ladder ordered from least to most restrictive.
/// Comparisons follow the ladder, so <c>a &gt; b</c> means <c>a</c> is more restrictive than <c>b</c>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Route>))]
public enum Route : byte
{
    /// <summary>The action may run without a person.</summary>
    [JsonStringEnumMemberName("auto-execute")]
    AutoExecute = 0,

    /// <summary>The action may run; a person is told and can reverse it (a human on the loop). Only for reversible actions.</summary>
    [JsonStringEnumMemberName("auto-execute-with-notice")]
    AutoExecuteWithNotice = 1,

    /// <summary>A person approves before the action runs.</summary>
    [JsonStringEnumMemberName("review")]
    Review = 2,

    /// <summary>A higher reviewer tier decides before the action runs.</summary>
    [JsonStringEnumMemberName("escalate")]
    Escalate = 3,

    /// <summary>The action does not run.</summary>
    [JsonStringEnumMemberName("block")]
    Block = 4,
}
