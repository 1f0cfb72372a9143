using System.Text.Json.Serialization;

namespace Hitl.Policy.Audit;

/// <summary>What an audit record records: the policy's decision, or an act of a person or of the review gate.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActKind>))]
public enum ActKind
{
    /// <summary><c>Route()</c> decided; the record carries the decision.</summary>
    [JsonStringEnumMemberName("decided")]
    Decided,

    /// <summary>The action ran (automatically, or after approval).</summary>
    [JsonStringEnumMemberName("executed")]
    Executed,

    /// <summary>A reviewer approved the model's output as it was.</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>A reviewer edited the output, then approved it (original and edited payload digests recorded).</summary>
    [JsonStringEnumMemberName("edited")]
    Edited,

    /// <summary>A reviewer rejected the output, with a reason.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>A reviewer sent the case to the next tier.</summary>
    [JsonStringEnumMemberName("escalated")]
    Escalated,

    /// <summary>A person overrode an auto-executed decision.</summary>
    [JsonStringEnumMemberName("overridden")]
    Overridden,

    /// <summary>An executed action was reversed through the compensation hook.</summary>
    [JsonStringEnumMemberName("reversed")]
    Reversed,

    /// <summary>The affected person contested the outcome; a human review follows.</summary>
    [JsonStringEnumMemberName("contested")]
    Contested,

    /// <summary>A review passed its deadline; the policy's fallback (escalate or block) applied.</summary>
    [JsonStringEnumMemberName("timed-out")]
    TimedOut,

    /// <summary>The action was blocked and did not run.</summary>
    [JsonStringEnumMemberName("blocked")]
    Blocked,

    /// <summary>An after-the-fact audit of a sampled auto-executed decision found it right.</summary>
    [JsonStringEnumMemberName("audit-passed")]
    AuditPassed,

    /// <summary>An after-the-fact audit of a sampled auto-executed decision found it wrong (a silent failure).</summary>
    [JsonStringEnumMemberName("audit-failed")]
    AuditFailed,

    /// <summary>A kill switch was turned on.</summary>
    [JsonStringEnumMemberName("kill-switch-engaged")]
    KillSwitchEngaged,

    /// <summary>A kill switch was turned off.</summary>
    [JsonStringEnumMemberName("kill-switch-released")]
    KillSwitchReleased,

    /// <summary>A new policy version became active.</summary>
    [JsonStringEnumMemberName("policy-activated")]
    PolicyActivated,

    /// <summary>A correction of an earlier record (see <see cref="AuditEntry.Supersedes"/>); history is never rewritten.</summary>
    [JsonStringEnumMemberName("corrected")]
    Corrected,

    /// <summary>
    /// An approved case was held, not executed, because a kill switch covers its action type; it runs when the switch
    /// is released (see <see cref="HoldReleased"/>) unless a reviewer rejects it first.
    /// </summary>
    [JsonStringEnumMemberName("held")]
    Held,

    /// <summary>The kill switch that held an approved case was released; the case executes now.</summary>
    [JsonStringEnumMemberName("hold-released")]
    HoldReleased,

    /// <summary>
    /// A reviewer recorded their own decision on a case whose AI suggestion is withheld, before seeing the suggestion
    /// (the digest of their answer is in <see cref="AuditEntry.Data"/> under <c>decisionDigest</c>).
    /// </summary>
    [JsonStringEnumMemberName("independent-decision")]
    IndependentDecision,

    /// <summary>A withheld AI suggestion was shown to a reviewer who had recorded an independent decision.</summary>
    [JsonStringEnumMemberName("suggestion-revealed")]
    SuggestionRevealed,

    /// <summary>A closed case was deleted from the case store at the end of its retention; its audit records stay.</summary>
    [JsonStringEnumMemberName("purged")]
    Purged,

    /// <summary>A legal hold was put on a case (it is kept whatever its retention says) or lifted (<see cref="AuditEntry.Data"/> <c>legalHold</c>).</summary>
    [JsonStringEnumMemberName("legal-hold")]
    LegalHold,
}
