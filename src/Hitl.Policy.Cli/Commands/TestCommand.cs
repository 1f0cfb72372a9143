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
        var format = CommonOptions.Format("text: a line per test and a diff per failure (default); json: one document for tools.", "text", "json");
        var command = new Command("test", "Run policy unit tests: route each test's case and compare with the expected decision.")
        {
            policy,
            tests,
            format,
        };
        command.SetAction(parse => HitlApp.Guard(io, () =>
            Run(io, parse.GetValue(policy)!, parse.GetValue(tests)!, parse.GetValue(format) == "json")));
        return command;
    }

    private static int Run(CommandIo io, string policyPath, string testsPath, bool json)
    {
        var policy = PolicyFile.Load(policyPath);
        var tests = PolicyTestFile.Load(testsPath);
        if (tests.Count == 0)
        {
            throw new CliException($"The test file '{testsPath}' has no tests; add entries to its \"tests\" array.");
        }

        var results = new PolicyTestRunner(policy).Run(tests);
        if (json)
        {
            PolicyTestReport.WriteJson(io.Out, policy, testsPath, results);
        }
        else
        {
            PolicyTestReport.WriteText(io.Out, policy, testsPath, results);
        }

        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
