namespace Hitl.Policy.Feedback;

/// <summary>How the feedback reports count an <see cref="Verdict"/>.</summary>
public static class VerdictExtensions
{
    /// <summary>Whether a person judged the output (agreement or override); timed-out and unjudged cases are not counted.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns><see langword="true"/> when the case counts as a trial in agreement and override rates.</returns>
    public static bool IsJudged(this Verdict verdict) => verdict >= Verdict.AuditPassed;

    /// <summary>Whether a person accepted the output as it was: approved unchanged, or a sampled audit passed it.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns><see langword="true"/> for <see cref="Verdict.Agreed"/> and <see cref="Verdict.AuditPassed"/>.</returns>
    public static bool IsAgreement(this Verdict verdict) => verdict is Verdict.Agreed or Verdict.AuditPassed;

    /// <summary>
    /// Whether a person did not accept the output as it was: edited, rejected, audit failed, overridden or reversed.
    /// The override rate is the share of judged cases for which this holds.
    /// </summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns><see langword="true"/> for the five kinds above.</returns>
    public static bool IsOverride(this Verdict verdict) => verdict >= Verdict.Edited;

    /// <summary>The kebab-case name used in JSON, for example <c>audit-failed</c>.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The name.</returns>
    public static string ToJsonName(this Verdict verdict) => verdict switch
    {
        Verdict.NoVerdict => "no-verdict",
        Verdict.TimedOut => "timed-out",
        Verdict.AuditPassed => "audit-passed",
        Verdict.Agreed => "agreed",
        Verdict.Edited => "edited",
        Verdict.Rejected => "rejected",
        Verdict.AuditFailed => "audit-failed",
        Verdict.Overridden => "overridden",
        Verdict.Reversed => "reversed",
        _ => "unknown",
    };
}
