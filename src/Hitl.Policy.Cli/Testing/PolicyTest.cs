using System.Text.Json;

namespace Hitl.Policy.Cli.Testing;

/// <summary>One policy unit test as written in a test file: a case and what the policy must decide for it.</summary>
/// <param name="Index">The test's position in the file's <c>tests</c> array, from 0.</param>
/// <param name="Line">The 1-based line where the test starts.</param>
/// <param name="Name">What the test checks, in words.</param>
/// <param name="Case">The case, read later against the policy's fields.</param>
/// <param name="Expect">The expected decision.</param>
/// <param name="Problem">Why the test itself cannot run (a malformed entry), or null.</param>
internal sealed record PolicyTest(int Index, int Line, string Name, JsonElement Case, Expectation Expect, string? Problem)
{
    /// <summary>The kill switches engaged while the test's case is routed; null when none is (the default).</summary>
    public KillSwitchSetting? KillSwitch { get; init; }
}

/// <summary>
/// Kill switches a test engages, in the shape of the policy's own <c>killSwitch</c>: the global one, and those of
/// some action types. While on, nothing auto-executes: the route is at least review, and the decision is flagged
/// <c>kill-switch-active</c>.
/// </summary>
/// <param name="Global">Whether the global switch is on (every action type).</param>
/// <param name="Actions">The action types whose switch is on.</param>
internal sealed record KillSwitchSetting(bool Global, IReadOnlyList<string> Actions)
{
    public override string ToString() =>
        Global
            ? "global"
            : string.Join(", ", Actions.Select(Cases.JsonText.Name));
}
