using System.Text.Json.Serialization;

namespace Hitl.Policy.Review;

/// <summary>Where a case stands. In JSON (case records, the CLI) by its kebab-case name, for example <c>auto-executed</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CaseState>))]
public enum CaseState
{
    /// <summary>Waiting for reviewers.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Ran without a person (auto-execute or auto-execute with notice). Open to override, reversal and contest.</summary>
    [JsonStringEnumMemberName("auto-executed")]
    AutoExecuted,

    /// <summary>Approved by enough reviewers (as it was, or edited). Open to reversal and contest.</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>Rejected by a reviewer. Open to contest.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>Blocked by the policy or by a review that timed out. Open to contest.</summary>
    [JsonStringEnumMemberName("blocked")]
    Blocked,

    /// <summary>An auto-executed decision overridden by a person. Closed.</summary>
    [JsonStringEnumMemberName("overridden")]
    Overridden,

    /// <summary>An executed action reversed through the compensation hook. Closed.</summary>
    [JsonStringEnumMemberName("reversed")]
    Reversed,

    /// <summary>
    /// Approved, but a kill switch covers its action type: not executed. It executes when the switch is released,
    /// unless a reviewer rejects it first.
    /// </summary>
    [JsonStringEnumMemberName("held")]
    Held,
}
