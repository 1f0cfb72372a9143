using System.Globalization;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>Runs policy unit tests: routes each test's case and compares the decision with the expectation.</summary>
internal sealed class PolicyTestRunner
{
    private readonly PolicyFile _policy;

    public PolicyTestRunner(PolicyFile policy) => _policy = policy;

    /// <summary>Runs every test, in file order.</summary>
    public IReadOnlyList<PolicyTestResult> Run(IReadOnlyList<PolicyTest> tests) => tests.Select(RunOne).ToList();

    private PolicyTestResult RunOne(PolicyTest test)
    {
        if (test.Problem is { } problem)
        {
            return new PolicyTestResult(test, null, [], null, problem);
        }

        Signals signals;
        try
        {
            signals = CaseReader.Read(test.Case, _policy.Cases);
        }
        catch (CaseFormatException ex)
        {
            return new PolicyTestResult(test, null, [], null, "case" + (ex.Path.Length == 0 ? ": " : ".") + ex.Message);
        }

        if (test.KillSwitch is { } setting && UnknownAction(setting, signals.ActionType) is { } unknown)
        {
            return new PolicyTestResult(test, null, [], null, unknown);
        }

        var switches = Engage(test.KillSwitch);
        try
        {
            var decision = _policy.Policy.Route(signals);
            var mismatches = Compare(test.Expect, decision, signals.ActionType);
            var why = mismatches.Count > 0 ? _policy.Policy.Explain(signals).Why : null;
            return new PolicyTestResult(test, decision, mismatches, why, null) { CaseAction = signals.ActionType };
        }
        finally
        {
            // The next test starts with every switch off again, as the policy file leaves them.
            foreach (var scope in switches)
            {
                _policy.Policy.KillSwitch.Release(scope, Actor, Reason);
            }
        }
    }

    private const string Actor = "hitl test";

    private const string Reason = "a policy test runs with the kill switch engaged";

    /// <summary>Turns on the switches a test asks for; returns the scopes turned on (null for the global one).</summary>
    private List<string?> Engage(KillSwitchSetting? setting)
    {
        var engaged = new List<string?>();
        if (setting is null)
        {
            return engaged;
        }

        var killSwitch = _policy.Policy.KillSwitch;
        if (setting.Global)
        {
            killSwitch.Engage(null, Actor, Reason);
            engaged.Add(null);
        }

        foreach (var action in setting.Actions.Distinct(StringComparer.Ordinal))
        {
            killSwitch.Engage(action, Actor, Reason);
            engaged.Add(action);
        }

        return engaged;
    }

    /// <summary>
    /// A switch for an action type that is neither declared nor the case's own would never apply: almost surely a typo,
    /// so the test cannot run rather than pass without the switch.
    /// </summary>
    private string? UnknownAction(KillSwitchSetting setting, string? caseAction)
    {
        var declared = _policy.Policy.ActionTypes;
        foreach (var action in setting.Actions)
        {
            if (!declared.Contains(action) && !string.Equals(action, caseAction, StringComparison.Ordinal))
            {
                return $"killSwitch.actions: '{JsonText.Name(action)}' is neither an action type of this policy ({string.Join(", ", declared.Order(StringComparer.Ordinal))}) nor the case's action, so its switch would never apply";
            }
        }

        return null;
    }

    private List<string> Compare(Expectation expect, Decision actual, string? caseAction)
    {
        var mismatches = new List<string>();
        if (expect.Route is { } route && route != actual.Route)
        {
            mismatches.Add($"route: expected {route.ToJsonName()}, got {actual.Route.ToJsonName()}");
        }

        if (expect.RouteAtLeast is { } least && actual.Route < least)
        {
            mismatches.Add($"route: expected at least {least.ToJsonName()}, got {actual.Route.ToJsonName()}");
        }

        if (expect.ChecksTier && !string.Equals(expect.Tier, actual.RequiredTier, StringComparison.Ordinal))
        {
            var hint = expect.Tier is not null && !_policy.Policy.Tiers.Contains(expect.Tier)
                ? $" ('{JsonText.Name(expect.Tier)}' is not a tier of this policy; its tiers are {string.Join(", ", _policy.Policy.Tiers)})"
                : "";
            mismatches.Add($"tier: expected {(expect.Tier is null ? "none" : JsonText.Name(expect.Tier))}, got {actual.RequiredTier ?? "none"}{hint}");
        }

        if (expect.Approvals is { } approvals && approvals != actual.RequiredApprovals)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"approvals: expected {approvals}, got {actual.RequiredApprovals}"));
        }

        if (expect.DecidedBy is { } decidedBy && !string.Equals(decidedBy, actual.DecidedBy, StringComparison.Ordinal))
        {
            mismatches.Add($"decided by: expected {JsonText.Name(decidedBy)}, got {actual.DecidedBy}");
        }

        foreach (var rule in expect.Fired)
        {
            if (!actual.FiredRules.Contains(rule))
            {
                var known = actual.ActionType is { } action && _policy.Policy.RuleIdsFor(action).Contains(rule);
                mismatches.Add($"fired: expected {JsonText.Name(rule)} to fire; it did not" +
                    (known ? "" : $" (the policy has no rule '{JsonText.Name(rule)}' for {ActionName(actual, caseAction)})"));
            }
        }

        var actualFlags = DecisionText.Flags(actual.Flags).ToList();
        var got = actualFlags.Count == 0 ? "none" : string.Join(", ", actualFlags);
        foreach (var flag in expect.Flags)
        {
            if (!actualFlags.Contains(flag))
            {
                mismatches.Add($"flags: expected {flag}, got {got}");
            }
        }

        if (expect.FlagsExactly is { } exactly && (exactly.Count != actualFlags.Count || exactly.Except(actualFlags, StringComparer.Ordinal).Any()))
        {
            mismatches.Add($"flags: expected exactly {(exactly.Count == 0 ? "none" : string.Join(", ", DecisionText.FlagNames.Where(exactly.Contains)))}, got {got}");
        }

        return mismatches;
    }

    private static string ActionName(Decision actual, string? caseAction) =>
        (actual.Flags & DecisionFlags.UnknownActionType) != 0
            ? (caseAction is null ? "a case without an action type" : $"the undeclared action type '{JsonText.Name(caseAction)}'")
            : actual.ActionType ?? caseAction ?? "this action";
}
