using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Hitl.Policy.Cli.Tests.Commands;

public class RouteCommandProperties
{
    private static readonly string[] Good = File.ReadAllLines(Cli.Data("operations.cases.jsonl"))
        .Where(l => l.StartsWith("{\"action\"", StringComparison.Ordinal) && !l.Contains("\"high\"", StringComparison.Ordinal) && !l.Contains("\"tool.name\":3", StringComparison.Ordinal))
        .ToArray();

    private static readonly string[] Bad =
    [
        "{\"action\":\"email.send\",\"confidence\":\"high\"}",
        "{\"action\":\"agent.tool-call\",\"fields\":{\"tool.name\":3}}",
        "not json",
        "{\"confidance\":0.5}",
        "[]",
        "{\"reversibility\":\"sometimes\"}",
    ];

    /// <summary>What <c>hitl route</c> answers for each good line on its own.</summary>
    private static readonly Dictionary<string, string?> Alone = Good.ToDictionary(
        g => g,
        g => JsonDocument.Parse(Cli.RunWithInput(g, "route", "-p", Cli.Operations, "-c", "-").OutLines.Single()).RootElement.GetProperty("route").GetString());

    /// <summary>A line of the generated file: 0 = blank, 1 = a good case, 2 = a bad one; Pick chooses which.</summary>
    public sealed record Line(int Kind, int Pick)
    {
        public string Text => Kind switch
        {
            0 => Pick % 2 == 0 ? "" : "   ",
            1 => Good[Pick % Good.Length],
            _ => Bad[Pick % Bad.Length],
        };
    }

    public static class Inputs
    {
        public static Arbitrary<Line[]> Files() =>
            Gen.ListOf(Gen.Choose(0, 2).SelectMany(kind => Gen.Choose(0, 100).Select(pick => new Line(kind, pick)))).Select(l => l.ToArray()).ToArbitrary();
    }

    // Each run reads and compiles the policy: 300 keep it to a few seconds.
    [Property(MaxTest = 300, Arbitrary = [typeof(Inputs)])]
    public void Every_non_blank_line_gets_exactly_one_answer_in_order_and_bad_lines_never_stop_the_run(Line[] lines)
    {
        Assert.Equal(4, Good.Length);
        var result = Cli.RunWithInput(string.Join('\n', lines.Select(l => l.Text)), "route", "-p", Cli.Operations, "-c", "-");

        var expected = lines.Select((l, i) => (Line: l, Number: i + 1)).Where(x => x.Line.Kind != 0).ToList();
        var answers = result.OutLines.Select(o => JsonDocument.Parse(o).RootElement).ToList();
        Assert.Equal(expected.Select(x => x.Number), answers.Select(a => a.GetProperty("line").GetInt32()));
        foreach (var (x, answer) in expected.Zip(answers))
        {
            Assert.Equal(x.Line.Kind == 2, answer.TryGetProperty("error", out _));
            if (x.Line.Kind == 1)
            {
                Assert.Equal(Alone[x.Line.Text], answer.GetProperty("route").GetString());
            }
        }

        Assert.Equal(expected.Any(x => x.Line.Kind == 2) ? ExitCodes.Failed : ExitCodes.Ok, result.Exit);
    }
}
