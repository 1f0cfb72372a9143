using System.CommandLine;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Testing;

namespace Hitl.Policy.Cli.Commands;

/// <summary><c>hitl test POLICY.json TESTS.json</c>: policy unit tests; exit 1 when any test fails or cannot run.</summary>
internal static class TestCommand
{
    public static Command Create(CommandIo io)
    {
        var policy = new Argument<string>("POLICY.json") { Description = "The policy file under test." };
        var tests = new Argument<string>("TESTS.json")
        {
            Description = "The policy unit tests (JSON).",
        };
        var command = new Command("test", "Run policy unit tests: route each test's case and compare with the expected decision.")
        {
            policy,
            tests,
        };
        command.SetAction(parse => HitlApp.Guard(io, () => Run(io, parse.GetValue(policy)!, parse.GetValue(tests)!)));
        return command;
    }

    private static int Run(CommandIo io, string policyPath, string testsPath)
    {
        var policy = PolicyFile.Load(policyPath);
        var tests = PolicyTestFile.Load(testsPath);
        if (tests.Count == 0)
        {
            throw new CliException($"The test file '{testsPath}' has no tests; add entries to its \"tests\" array.");
        }

        var (_, failed, broken) = new PolicyTestRunner(policy, testsPath, io.Out).Run(tests);
        return failed + broken == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
