using System.Text.Json.Serialization;

namespace Hitl.Policy;

/// <summary>
/// A level on the route ladder, the answer of <see cref="IEscalationPolicy{TContext}.Route"/>: ordered from least to
/// most restrictive. Comparisons follow the ladder, so <c>a &gt; b</c> means <c>a</c> is more restrictive than <c>b</c>.
/// </summary>
/// <remarks>
/// Two spellings, one meaning: <see cref="object.ToString"/> gives the C# member name (<c>AutoExecuteWithNotice</c>), for
/// code and debuggers; policy JSON, audit records, CLI output and telemetry use the kebab-case name
/// (<c>auto-execute-with-notice</c>), which <see cref="RouteLevelExtensions.ToJsonName"/> returns and the JSON converter
/// reads and writes. Only names are accepted in JSON, never numbers.
/// </remarks>
[JsonConverter(typeof(JsonStringEnumConverter<RouteLevel>))]
public enum RouteLevel : byte
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
