using System.Globalization;
using Hitl.Policy.Cli.Cases;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>Runs policy unit tests and reports each one; a failure shows expected against actual and the policy's why.</summary>
internal sealed class PolicyTestRunner
{
    private readonly PolicyFile _policy;
    private readonly string _testsPath;
    private readonly TextWriter _output;

    public PolicyTestRunner(PolicyFile policy, string testsPath, TextWriter output)
    {
        _policy = policy;
        _testsPath = testsPath;
        _output = output;
    }

    /// <summary>Runs every test and prints the report.</summary>
    /// <returns>The counts.</returns>
    public (int Passed, int Failed, int Broken) Run(IReadOnlyList<PolicyTest> tests)
    {
        _output.WriteLine($"Testing policy '{_policy.Policy.PolicyId}' version {_policy.Policy.PolicyVersion} ({_policy.Path}) with {PolicyFile.Plural(tests.Count, "test")} from {_testsPath}");
        _output.WriteLine();
        int passed = 0, failed = 0, broken = 0;
        foreach (var test in tests)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"({_testsPath} line {test.Line})");
            if (test.Problem is { } problem)
            {
                broken++;
                _output.WriteLine($"  ERROR {test.Name} {where}");
                _output.WriteLine($"          {problem}");
                continue;
            }

            Signals signals;
            try
            {
                signals = CaseReader.Read(test.Case, _policy.Cases);
            }
            catch (CaseFormatException ex)
            {
                broken++;
                _output.WriteLine($"  ERROR {test.Name} {where}");
                _output.WriteLine($"          case.{ex.Message}");
                continue;
            }

            var decision = _policy.Policy.Route(signals);
            var mismatches = Compare(test.Expect, decision);
            if (mismatches.Count == 0)
            {
                passed++;
                _output.WriteLine($"  PASS  {test.Name}");
                continue;
            }

            failed++;
            var trace = _policy.Policy.Explain(signals);
            _output.WriteLine($"  FAIL  {test.Name} {where}");
            _output.WriteLine($"          expected  {test.Expect}");
            _output.WriteLine($"          actual    {DecisionText.Summary(decision)}; decided by {decision.DecidedBy}");
            for (var i = 0; i < mismatches.Count; i++)
            {
                _output.WriteLine($"          {(i == 0 ? "mismatch" : "        ")}  {mismatches[i]}");
            }

            _output.WriteLine($"          why       {trace.Why}");
            var fired = decision.FiredRules.ToArray();
            _output.WriteLine($"          fired     {(fired.Length == 0 ? "(no rule)" : string.Join(", ", fired))}");
            var flags = string.Join(", ", DecisionText.Flags(decision.Flags));
            if (flags.Length > 0)
            {
                _output.WriteLine($"          flags     {flags}{(decision.InvalidSignal is { } s ? " (invalid signal: " + s + ")" : "")}");
            }
        }

        _output.WriteLine();
        var verdict = failed + broken == 0 ? "OK" : "FAILED";
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verdict}: {passed} passed, {failed} failed, {broken} could not run ({PolicyFile.Plural(tests.Count, "test")})."));
        return (passed, failed, broken);
    }

    private List<string> Compare(Expectation expect, Decision actual)
    {
        var mismatches = new List<string>();
        if (expect.Route != actual.Route)
        {
            mismatches.Add($"route: expected {expect.Route.ToJsonName()}, got {actual.Route.ToJsonName()}");
        }

        if (expect.ChecksTier && !string.Equals(expect.Tier, actual.ReviewerTierName, StringComparison.Ordinal))
        {
            var hint = expect.Tier is not null && !_policy.Policy.Tiers.Contains(expect.Tier)
                ? $" ('{expect.Tier}' is not a tier of this policy; its tiers are {string.Join(", ", _policy.Policy.Tiers)})"
                : "";
            mismatches.Add($"tier: expected {expect.Tier ?? "none"}, got {actual.ReviewerTierName ?? "none"}{hint}");
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
