namespace Hitl.Policy;

/// <summary>
/// Ids that <see cref="Decision.DecidedBy"/> reports when the route was set by the policy engine itself
/// rather than by a rule of the policy.
/// </summary>
public static class BuiltInRules
{
    /// <summary>No rule raised the route above the default route.</summary>
    public const string DefaultRoute = "hitl:default-route";

    /// <summary>A kill switch was on.</summary>
    public const string KillSwitch = "hitl:kill-switch";

    /// <summary>A signal was invalid (fail closed).</summary>
    public const string InvalidSignal = "hitl:invalid-signal";

    /// <summary>The action type is not declared in the policy (fail closed).</summary>
    public const string UnknownActionType = "hitl:unknown-action-type";

    /// <summary>The audit sample sent the case to review first.</summary>
    public const string AuditSample = "hitl:audit-sample";

    /// <summary>An irreversible action may not run with notice only.</summary>
    public const string IrreversibleNeedsPerson = "hitl:irreversible-needs-person";

    /// <summary>A host accessor threw (fail closed).</summary>
    public const string RuleFault = "hitl:rule-fault";
}
