using System.Globalization;
using System.Text.Json;
using Hitl.Policy.Cli.Loading;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli.Testing;

/// <summary>Prints test results: for people, a line per test and a diff per failure; for tools, one JSON document.</summary>
internal static class PolicyTestReport
{
    /// <summary>The most characters of a test's name the text report shows; the JSON report gives it whole.</summary>
    private const int MaxName = 200;

    public static void WriteText(TextWriter output, PolicyFile policy, string testsPath, IReadOnlyList<PolicyTestResult> results)
    {
        output.WriteLine($"Testing policy '{policy.Policy.PolicyId}' version {policy.Policy.PolicyVersion} ({policy.Path}) with {PolicyFile.Plural(results.Count, "test")} from {testsPath}");
        output.WriteLine();
        foreach (var result in results)
        {
            var test = result.Test;
            var name = Output.CaseText.Shorten(test.Name, MaxName);
            var where = string.Create(CultureInfo.InvariantCulture, $"({testsPath} line {test.Line})");
            if (result.Passed)
            {
                output.WriteLine($"  PASS  {name}");
            }
            else if (result.Broken)
            {
                output.WriteLine($"  ERROR {name} {where}");
                output.WriteLine($"          {result.Problem}");
            }
            else
            {
                var decision = result.Decision!.Value;
                output.WriteLine($"  FAIL  {name} {where}");
                output.WriteLine($"          expected  {test.Expect}");
                if (test.KillSwitch is { } setting)
                {
                    output.WriteLine($"          with      the kill switch on ({setting})");
                }

                output.WriteLine($"          actual    {DecisionText.Summary(decision)}; decided by {decision.DecidedBy}");
                for (var i = 0; i < result.Mismatches.Count; i++)
                {
                    output.WriteLine($"          {(i == 0 ? "mismatch" : "        ")}  {result.Mismatches[i]}");
                }

                output.WriteLine($"          why       {result.Why}");
                var fired = decision.FiredRules.ToArray();
                output.WriteLine($"          fired     {(fired.Length == 0 ? "(no rule)" : string.Join(", ", fired))}");
                var flags = string.Join(", ", DecisionText.Flags(decision.Flags));
                if (flags.Length > 0)
                {
                    output.WriteLine($"          flags     {flags}{(decision.InvalidSignal is { } s ? " (invalid signal: " + s + ")" : "")}");
                }
            }
        }

        var (passed, failed, broken) = Count(results);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(failed + broken == 0 ? "OK" : "FAILED")}: {passed} passed, {failed} failed, {broken} could not run ({PolicyFile.Plural(results.Count, "test")})."));
    }

    public static void WriteJson(TextWriter output, PolicyFile policy, string testsPath, IReadOnlyList<PolicyTestResult> results)
    {
        var (passed, failed, broken) = Count(results);
        output.WriteLine(JsonOutput.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("policy", policy.Policy.PolicyId);
            w.WriteString("version", policy.Policy.PolicyVersion);
            w.WriteString("tests", testsPath);
            w.WriteNumber("passed", passed);
            w.WriteNumber("failed", failed);
            w.WriteNumber("couldNotRun", broken);
            w.WriteStartArray("results");
            foreach (var result in results)
            {
                WriteResult(w, result);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, indented: true));
    }

    private static void WriteResult(Utf8JsonWriter w, PolicyTestResult result)
    {
        w.WriteStartObject();
        w.WriteString("name", result.Test.Name);
        w.WriteNumber("line", result.Test.Line);
        w.WriteString("status", result.Status);
        if (result.Problem is { } problem)
        {
            w.WriteString("problem", problem);
        }

        if (result.Decision is { } decision)
        {
            w.WritePropertyName("expected");
            result.Test.Expect.WriteJson(w);
            if (result.Test.KillSwitch is { } setting)
            {
                w.WriteStartObject("killSwitch");
                w.WriteBoolean("global", setting.Global);
                w.WriteStartArray("actions");
                foreach (var action in setting.Actions)
                {
                    w.WriteStringValue(action);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("killSwitch");
            }

            w.WriteStartObject("actual");
            DecisionJson.WriteProperties(w, decision, result.CaseAction);
            w.WriteEndObject();
            w.WriteStartArray("mismatches");
            foreach (var mismatch in result.Mismatches)
            {
                w.WriteStringValue(mismatch);
            }

            w.WriteEndArray();
            w.WriteString("why", result.Why);
        }

        w.WriteEndObject();
    }

    private static (int Passed, int Failed, int Broken) Count(IReadOnlyList<PolicyTestResult> results) =>
        (results.Count(r => r.Passed), results.Count(r => r.Failed), results.Count(r => r.Broken));
}
