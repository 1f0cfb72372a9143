using System.Text.Json;

namespace Hitl.Policy.Cli.Testing;

/// <summary>One policy unit test as written in a test file: a case and what the policy must decide for it.</summary>
/// <param name="Index">The test's position in the file's <c>tests</c> array, from 0.</param>
/// <param name="Line">The 1-based line where the test starts.</param>
/// <param name="Name">What the test checks, in words.</param>
/// <param name="Case">The case, read later against the policy's fields.</param>
/// <param name="Expect">The expected decision.</param>
/// <param name="Problem">Why the test itself cannot run (a malformed entry), or null.</param>
internal sealed record PolicyTest(int Index, int Line, string Name, JsonElement Case, Expectation Expect, string? Problem);
