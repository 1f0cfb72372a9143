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
            return new PolicyTestResult(test, null, [], null, "case." + ex.Message);
        }

        var decision = _policy.Policy.Route(signals);
        var mismatches = Compare(test.Expect, decision);
        var why = mismatches.Count > 0 ? _policy.Policy.Explain(signals).Why : null;
        return new PolicyTestResult(test, decision, mismatches, why, null);
    }

    private List<string> Compare(Expectation expect, Decision actual)
    {
        var mismatches = new List<string>();
        if (expect.Route != actual.Route)
        {
            mismatches.Add($"route: expected {expect.Route.ToJsonName()}, got {actual.Route.ToJsonName()}");
        }

        if (expect.ChecksTier && !string.Equals(expect.Tier, actual.RequiredTier, StringComparison.Ordinal))
        {
            var hint = expect.Tier is not null && !_policy.Policy.Tiers.Contains(expect.Tier)
                ? $" ('{expect.Tier}' is not a tier of this policy; its tiers are {string.Join(", ", _policy.Policy.Tiers)})"
                : "";
            mismatches.Add($"tier: expected {expect.Tier ?? "none"}, got {actual.RequiredTier ?? "none"}{hint}");
        }

        if (expect.Approvals is { } approvals && approvals != actual.RequiredApprovals)
        {
            mismatches.Add(string.Create(CultureInfo.InvariantCulture, $"approvals: expected {approvals}, got {actual.RequiredApprovals}"));
        }

        if (expect.DecidedBy is { } decidedBy && !string.Equals(decidedBy, actual.DecidedBy, StringComparison.Ordinal))
        {
            mismatches.Add($"decided by: expected {decidedBy}, got {actual.DecidedBy}");
        }

        foreach (var rule in expect.Fired)
        {
            if (!actual.FiredRules.Contains(rule))
            {
                var known = actual.ActionType is { } action && _policy.Policy.RuleIdsFor(action).Contains(rule);
                mismatches.Add($"fired: expected {rule} to fire; it did not" +
                    (known ? "" : $" (the policy has no rule '{rule}' for {actual.ActionType ?? "this action"})"));
            }
        }

        var actualFlags = DecisionText.Flags(actual.Flags).ToList();
        foreach (var flag in expect.Flags)
        {
            if (!actualFlags.Contains(flag))
            {
                mismatches.Add($"flags: expected {flag}, got {(actualFlags.Count == 0 ? "none" : string.Join(", ", actualFlags))}");
            }
        }

        return mismatches;
    }
}
