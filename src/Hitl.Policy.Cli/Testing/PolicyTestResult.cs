namespace Hitl.Policy.Cli.Testing;

/// <summary>How one policy test came out.</summary>
/// <param name="Test">The test.</param>
/// <param name="Decision">The policy's decision, when the case could be read.</param>
/// <param name="Mismatches">What differs from the expectation, one line each; empty when the test passed.</param>
/// <param name="Why">The policy's explanation, for a failed test.</param>
/// <param name="Problem">Why the test could not run, or null.</param>
internal sealed record PolicyTestResult(PolicyTest Test, Decision? Decision, IReadOnlyList<string> Mismatches, string? Why, string? Problem)
{
    /// <summary>The action type the case gave (the decision names an undeclared one <c>*</c>).</summary>
    public string? CaseAction { get; init; }

    public bool Passed => Problem is null && Mismatches.Count == 0;

    public bool Failed => Problem is null && Mismatches.Count > 0;

    public bool Broken => Problem is not null;

    public string Status => Passed ? "pass" : Failed ? "fail" : "error";
}
