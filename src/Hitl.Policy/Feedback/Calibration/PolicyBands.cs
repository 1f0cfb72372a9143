using Hitl.Policy.Definition;

namespace Hitl.Policy.Feedback;

/// <summary>Reads the confidence bands and the auto-execute threshold a policy gives an action type.</summary>
internal static class PolicyBands
{
    /// <summary>The action type's bands (its own, else the defaults'), lowest first; empty when there are none.</summary>
    public static List<ConfidenceBandDefinition> For(PolicyDefinition policy, string actionType)
    {
        ActionPolicyDefinition? action = null;
        policy.Actions?.TryGetValue(actionType, out action);
        var bands = action?.ConfidenceBands ?? policy.Defaults?.ConfidenceBands ?? [];
        return [.. bands.Where(b => b is not null).OrderBy(b => b.Min)];
    }

    /// <summary>
    /// The action type's default route: the floor under every decision. An action type the policy does not declare
    /// gets the policy's unknown-action route, which never auto-executes.
    /// </summary>
    public static RouteLevel Floor(PolicyDefinition policy, string actionType)
    {
        if (policy.Actions is null || !policy.Actions.TryGetValue(actionType, out var action))
        {
            return policy.OnUnknownAction ?? RouteLevel.Review;
        }

        return action?.Route ?? policy.Defaults?.Route ?? RouteLevel.AutoExecute;
    }

    /// <summary>
    /// The lowest confidence the bands auto-execute: the lowest automatic band's minimum, 0 without bands,
    /// <see langword="null"/> when no band is automatic.
    /// </summary>
    public static double? Threshold(List<ConfidenceBandDefinition> bands)
    {
        if (bands.Count == 0)
        {
            return 0;
        }

        var automatic = bands.Where(b => (b.Route ?? RouteLevel.Review).IsAutomatic()).ToList();
        return automatic.Count == 0 ? null : automatic.Min(b => b.Min);
    }

    /// <summary>Whether a confidence lies in [min, max), or in [min, 1] for a band ending at 1.</summary>
    public static bool Contains(double min, double max, double confidence) =>
        confidence >= min && (confidence < max || (max >= 1 && confidence <= 1));
}
