using Hitl.Policy.Audit;
using Hitl.Policy.Definition;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.Snippets;

/// <summary>The README's section "Learning from reviewers".</summary>
public static class LearningSnippet
{
    /// <summary>Calibrates a policy from what reviewers decided, and proposes a change for a person to approve.</summary>
    public static async Task CalibrateAsync(IAuditStore store, PolicyDefinition policyDefinition)
    {
        #region calibration
        var observed = await ObservedCases.CollectAsync(store.ReadAsync());
        var report = Calibrator.Calibrate(observed.Cases, policyDefinition,
            new CalibrationOptions { Target = 0.99, Confidence = 0.95, MinimumSample = 200 });
        Console.WriteLine(report.ToText());                 // or report.ToJson()

        var proposal = PolicyProposer.Propose(policyDefinition, report);
        if (proposal.HasChanges) Console.WriteLine(proposal.Diff);   // a person reviews it, then activates proposal.After
        #endregion
    }
}
