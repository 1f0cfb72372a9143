using System.Globalization;
using Hitl.Policy.Definition;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Turns the loosen and tighten recommendations of a <see cref="CalibrationReport"/> into a <see cref="PolicyProposal"/>:
/// the policy with each action type's auto-execute threshold moved (<see cref="ConfidenceBandEditor"/>), its JSON
/// before and after, and a readable diff. A loosening behind fewer judged cases than the report's minimum sample is
/// never applied, whatever the report says.
/// </summary>
public static class PolicyProposer
{
    /// <summary>Builds the proposal.</summary>
    /// <param name="active">The active policy the report was made against.</param>
    /// <param name="report">The calibration report.</param>
    /// <param name="proposedVersion">The proposed policy's version; the active version with <c>-proposed</c> appended when <see langword="null"/>.</param>
    /// <returns>The proposal; <see cref="PolicyProposal.HasChanges"/> is false when the evidence asks for none.</returns>
    /// <exception cref="ArgumentException">The report was made against another policy or version.</exception>
    public static PolicyProposal Propose(PolicyDefinition active, CalibrationReport report, string? proposedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(report);
        if (!string.Equals(report.PolicyId, active.Id, StringComparison.Ordinal) || !string.Equals(report.PolicyVersion, active.Version, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the report was made against policy '{report.PolicyId}' version '{report.PolicyVersion}', not '{active.Id}' version '{active.Version}'"),
                nameof(report));
        }

        var beforeJson = PolicyJson.Serialize(active);
        var after = PolicyJson.Parse(beforeJson);
        var changes = new List<ThresholdRecommendation>();
        foreach (var action in report.Actions)
        {
            var recommendation = action.Recommendation;
            if (!IsSound(recommendation, report.MinimumSample) || after.Actions?.GetValueOrDefault(action.ActionType) is not { } target)
            {
                continue;
            }

            // Bands inherited from the defaults become the action type's own, under ids of their own (rule ids are unique).
            var bands = PolicyBands.For(after, action.ActionType);
            var inherited = target.ConfidenceBands is null;
            target.ConfidenceBands = ConfidenceBandEditor.WithAutoThreshold(bands, recommendation.ProposedThreshold, action.ActionType);
            if (inherited)
            {
                foreach (var band in target.ConfidenceBands.Where(b => b.Id is not null && !b.Id.StartsWith(action.ActionType + ".", StringComparison.Ordinal)))
                {
                    band.Id = action.ActionType + "." + band.Id;
                }
            }

            changes.Add(recommendation);
        }

        if (changes.Count == 0)
        {
            return new PolicyProposal
            {
                Before = active,
                After = after,
                BeforeJson = beforeJson,
                AfterJson = beforeJson,
                Diff = "",
                Changes = changes,
                Errors = [],
            };
        }

        after.Version = proposedVersion ?? active.Version + "-proposed";
        var afterJson = PolicyJson.Serialize(after);
        return new PolicyProposal
        {
            Before = active,
            After = after,
            BeforeJson = beforeJson,
            AfterJson = afterJson,
            Diff = LineDiff.Unified(beforeJson, afterJson, $"{active.Id} {active.Version}", $"{after.Id} {after.Version}"),
            Changes = changes,
            Errors = PolicyCompiler.Validate(after),
        };
    }

    /// <summary>Whether a recommendation may become a change: the right direction, and enough evidence to loosen.</summary>
    private static bool IsSound(ThresholdRecommendation recommendation, int minimumSample) => recommendation.Kind switch
    {
        RecommendationKind.Loosen => recommendation.ProposedThreshold is { } lower
            && recommendation.SampleSize >= minimumSample
            && (recommendation.CurrentThreshold is null || lower < recommendation.CurrentThreshold),
        RecommendationKind.Tighten => recommendation.CurrentThreshold is { } current
            && (recommendation.ProposedThreshold is null || recommendation.ProposedThreshold > current),
        _ => false,
    };
}
