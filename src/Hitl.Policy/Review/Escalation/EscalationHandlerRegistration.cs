namespace Hitl.Policy.Review;

/// <summary>An escalation handler and the escalations it applies to.</summary>
/// <param name="Handler">The handler.</param>
/// <param name="Tier">The tier (by name) the case escalates to, or <see langword="null"/> for every tier.</param>
/// <param name="ActionType">The action type, or <see langword="null"/> for every action type.</param>
public sealed record EscalationHandlerRegistration(IEscalationHandler Handler, string? Tier = null, string? ActionType = null)
{
    internal bool Matches(Escalation escalation) =>
        (Tier is null || string.Equals(Tier, escalation.Tier, StringComparison.Ordinal)) &&
        (ActionType is null || string.Equals(ActionType, escalation.ActionType, StringComparison.Ordinal));
}
