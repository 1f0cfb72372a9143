namespace Hitl.Policy.Feedback;

/// <summary>How the feedback reports count an <see cref="OutcomeKind"/>.</summary>
public static class OutcomeKindExtensions
{
    /// <summary>Whether a person judged the output (agreement or override); timed-out and unjudged cases are not counted.</summary>
    /// <param name="kind">The outcome.</param>
    /// <returns><see langword="true"/> when the case counts as a trial in agreement and override rates.</returns>
    public static bool IsJudged(this OutcomeKind kind) => kind >= OutcomeKind.AuditPassed;

    /// <summary>Whether a person accepted the output as it was: approved unchanged, or a sampled audit passed it.</summary>
    /// <param name="kind">The outcome.</param>
    /// <returns><see langword="true"/> for <see cref="OutcomeKind.Agreed"/> and <see cref="OutcomeKind.AuditPassed"/>.</returns>
    public static bool IsAgreement(this OutcomeKind kind) => kind is OutcomeKind.Agreed or OutcomeKind.AuditPassed;

    /// <summary>
    /// Whether a person did not accept the output as it was: edited, rejected, audit failed, overridden or reversed.
    /// The override rate is the share of judged cases for which this holds.
    /// </summary>
    /// <param name="kind">The outcome.</param>
    /// <returns><see langword="true"/> for the five kinds above.</returns>
    public static bool IsOverride(this OutcomeKind kind) => kind >= OutcomeKind.Edited;

    /// <summary>The kebab-case name used in JSON, for example <c>audit-failed</c>.</summary>
    /// <param name="kind">The outcome.</param>
    /// <returns>The name.</returns>
    public static string ToJsonName(this OutcomeKind kind) => kind switch
    {
        OutcomeKind.NoVerdict => "no-verdict",
        OutcomeKind.TimedOut => "timed-out",
        OutcomeKind.AuditPassed => "audit-passed",
        OutcomeKind.Agreed => "agreed",
        OutcomeKind.Edited => "edited",
        OutcomeKind.Rejected => "rejected",
        OutcomeKind.AuditFailed => "audit-failed",
        OutcomeKind.Overridden => "overridden",
        OutcomeKind.Reversed => "reversed",
        _ => "unknown",
    };
}
