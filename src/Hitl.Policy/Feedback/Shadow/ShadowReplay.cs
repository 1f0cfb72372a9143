namespace Hitl.Policy.Feedback;

/// <summary>Runs recorded inputs (for example a file of past cases) through an active and a candidate policy.</summary>
public static class ShadowReplay
{
    /// <summary>Replays the cases.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="active">The active policy.</param>
    /// <param name="candidate">The candidate policy.</param>
    /// <param name="cases">The case ids and their signals.</param>
    /// <returns>The run.</returns>
    public static ShadowRun Run<TContext>(IEscalationPolicy<TContext> active, IEscalationPolicy<TContext> candidate, IEnumerable<(string CaseId, TContext Context)> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var evaluator = new ShadowEvaluator<TContext>(active, candidate);
        foreach (var (caseId, context) in cases)
        {
            evaluator.Route(caseId, in context);
        }

        return evaluator.Snapshot();
    }
}
