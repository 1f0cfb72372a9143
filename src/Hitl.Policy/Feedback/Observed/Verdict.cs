using System.Text.Json.Serialization;

namespace Hitl.Policy.Feedback;

/// <summary>
/// What people concluded about one case's model output. When a case carries several acts, the most severe evidence
/// wins, in this order: reversed, overridden, audit failed, rejected, edited, agreed, audit passed, timed out, no verdict.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>No person has judged the output (auto-executed without audit, blocked, or still pending).</summary>
    [JsonStringEnumMemberName("no-verdict")]
    NoVerdict,

    /// <summary>The review passed its deadline without a decision; says nothing about the output.</summary>
    [JsonStringEnumMemberName("timed-out")]
    TimedOut,

    /// <summary>A sampled audit of an auto-executed decision found it right.</summary>
    [JsonStringEnumMemberName("audit-passed")]
    AuditPassed,

    /// <summary>A reviewer approved the output as it was.</summary>
    [JsonStringEnumMemberName("agreed")]
    Agreed,

    /// <summary>A reviewer edited the output before approving it.</summary>
    [JsonStringEnumMemberName("edited")]
    Edited,

    /// <summary>A reviewer rejected the output.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>A sampled audit of an auto-executed decision found it wrong: a silent failure.</summary>
    [JsonStringEnumMemberName("audit-failed")]
    AuditFailed,

    /// <summary>A person overrode the decision after the fact.</summary>
    [JsonStringEnumMemberName("overridden")]
    Overridden,

    /// <summary>The executed action was reversed.</summary>
    [JsonStringEnumMemberName("reversed")]
    Reversed,
}
