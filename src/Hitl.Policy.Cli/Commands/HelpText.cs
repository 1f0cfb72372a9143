namespace Hitl.Policy.Cli.Commands;

/// <summary>The longer help texts, kept together so the commands read the same way.</summary>
internal static class HelpText
{
    public const string Case = """
        A case is one JSON object: the standard signals at the top level, the host fields the policy declares under "fields":
          {"action": "refund.issue", "requestId": "r-1", "confidence": 0.97, "risk": 0.1, "evidence": 0.9,
           "amount": 120, "category": "retail", "reversibility": "reversible", "sensitive": false, "vulnerable": false,
           "fields": {"customer.isNew": false}}
        reversibility is reversible, costly-to-reverse or irreversible. A signal left out is not given, and the policy
        fails closed on it (a missing number is invalid, a missing reversibility counts as irreversible).
        """;

    public const string Tests = """
        A test file is a JSON object with a "tests" array; each test has a name, a case (as for 'hitl route') and what
        to expect. Only the route is required; the others are checked when given (tier null means no reviewer tier):
          {"tests": [{"name": "a large refund needs two seniors",
                      "case": {"action": "refund.issue", "confidence": 0.97, "amount": 8000, ...},
                      "expect": {"route": "review", "tier": "senior", "approvals": 2,
                                 "decidedBy": "refund.impact.large", "fired": ["refund.impact.very-large"],
                                 "flags": ["invalid-signal"]}}]}
        """;

    public const string ExitCodes = """
        Exit codes: 0 all good; 1 the check failed (policy errors, a case line that could not be read, a failing test);
        2 the command could not run (unknown option, missing file, unreadable input, a policy that does not compile).
        """;
}
