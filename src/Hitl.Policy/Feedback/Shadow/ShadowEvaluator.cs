namespace Hitl.Policy.Feedback;

/// <summary>
/// Runs a candidate policy beside the active one on the same inputs without affecting routing: the active decision
/// is always the one returned, and a candidate that throws is recorded, never felt. Where the route or the required
/// tier differs, the case is recorded; join the record with the audit trail by case id in <see cref="ShadowReport"/>.
/// Thread-safe. Comparing allocates nothing unless the decisions differ.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <example>
/// <code>
/// var shadow = new ShadowEvaluator&lt;Signals&gt;(active, candidate);
/// var decision = shadow.Route(caseId, signals);   // the active decision; the candidate only watches
/// ...
/// var report = ShadowReport.Build(shadow.Snapshot(), observed.Cases);
/// </code>
/// </example>
public sealed class ShadowEvaluator<TContext>
{
    private const string NoAction = "(none)";
    private readonly IEscalationPolicy<TContext> _active;
    private readonly IEscalationPolicy<TContext> _candidate;
    private readonly int _maxDifferences;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _observed = new(StringComparer.Ordinal);
    private readonly List<ShadowDifference> _differences = [];
    private int _dropped;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="active">The policy that routes.</param>
    /// <param name="candidate">The policy that only watches.</param>
    /// <param name="maxDifferences">How many differing cases to keep (more are counted); the default value is 100 000.</param>
    public ShadowEvaluator(IEscalationPolicy<TContext> active, IEscalationPolicy<TContext> candidate, int maxDifferences = 100_000)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDifferences);
        _active = active;
        _candidate = candidate;
        _maxDifferences = maxDifferences;
    }

    /// <summary>Routes with the active policy and compares the candidate's decision.</summary>
    /// <param name="caseId">The case id the audit trail will carry.</param>
    /// <param name="context">The signals.</param>
    /// <returns>The active policy's decision, unchanged.</returns>
    public Decision Route(string caseId, in TContext context)
    {
        var decision = _active.Route(in context);
        Observe(caseId, in context, decision);
        return decision;
    }

    /// <summary>Compares the candidate's decision with an active decision the host already has.</summary>
    /// <param name="caseId">The case id the audit trail will carry (recorded as empty when null).</param>
    /// <param name="context">The signals the active decision was made on.</param>
    /// <param name="active">The active decision.</param>
    public void Observe(string caseId, in TContext context, Decision active)
    {
        // Never throw into the host's routing path, not even for a missing case id.
        caseId ??= "";
        Decision candidate;
        ShadowDifferenceKind? kind;
        try
        {
            candidate = _candidate.Route(in context);
            kind = Compare(active, candidate);
        }
#pragma warning disable CA1031 // The candidate must never disturb the host: whatever it throws is recorded and swallowed.
        catch (Exception)
#pragma warning restore CA1031
        {
            candidate = default;
            kind = ShadowDifferenceKind.CandidateFault;
        }

        var action = active.ActionType ?? NoAction;
        lock (_gate)
        {
            _observed[action] = _observed.GetValueOrDefault(action) + 1;
            if (kind is not { } k)
            {
                return;
            }

            if (_differences.Count >= _maxDifferences)
            {
                _dropped++;
                return;
            }

            var fault = k == ShadowDifferenceKind.CandidateFault;
            _differences.Add(new ShadowDifference
            {
                CaseId = caseId,
                ActionType = active.ActionType,
                Kind = k,
                ActiveRoute = active.Route,
                CandidateRoute = fault ? null : candidate.Route,
                ActiveTier = active.RequiredTier,
                CandidateTier = fault ? null : candidate.RequiredTier,
                ActiveDecidedBy = active.DecidedBy,
                CandidateDecidedBy = fault ? null : candidate.DecidedBy,
            });
        }
    }

    /// <summary>A copy of what has been seen so far.</summary>
    /// <returns>The run.</returns>
    public ShadowRun Snapshot()
    {
        lock (_gate)
        {
            return new ShadowRun(
                _active.PolicyId + "@" + _active.PolicyVersion,
                _candidate.PolicyId + "@" + _candidate.PolicyVersion,
                new SortedDictionary<string, int>(_observed, StringComparer.Ordinal),
                [.. _differences],
                _dropped);
        }
    }

    /// <summary>How a candidate decision differs from the active one; <see langword="null"/> when route and tier agree.</summary>
    internal static ShadowDifferenceKind? Compare(Decision active, Decision candidate)
    {
        if (candidate.Route < active.Route)
        {
            return ShadowDifferenceKind.CandidateLooser;
        }

        if (candidate.Route > active.Route)
        {
            return ShadowDifferenceKind.CandidateStricter;
        }

        return string.Equals(active.RequiredTier, candidate.RequiredTier, StringComparison.Ordinal) ? null : ShadowDifferenceKind.Tier;
    }
}
