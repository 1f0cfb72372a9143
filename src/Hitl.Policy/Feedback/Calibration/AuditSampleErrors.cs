namespace Hitl.Policy.Feedback;

/// <summary>The auto path's errors as the audit sample sees them: the one window onto automatic decisions that nobody chose to look at.</summary>
internal static class AuditSampleErrors
{
    /// <summary>Failed of audited among the cases (see <see cref="AutoPathErrorRate.Errors"/>).</summary>
    public static RateEstimate Of(IEnumerable<ObservedCase> cases, double confidence, IntervalMethod method)
    {
        var audited = 0;
        var failed = 0;
        foreach (var c in cases)
        {
            if (c.WasAutomatic && c.AuditPassed is { } passed)
            {
                audited++;
                failed += passed ? 0 : 1;
            }
            else if (c.DecidedBy == BuiltInRules.AuditSample && c.Verdict.IsJudged())
            {
                // Sampling in review mode holds a would-be automatic decision for a person: the same unbiased window.
                audited++;
                failed += c.Verdict.IsAgreement() ? 0 : 1;
            }
        }

        return RateEstimate.Of(failed, audited, confidence, method);
    }
}
