using System.Text.Json;
using System.Text.RegularExpressions;
using Hitl.Policy.Cli.Commands;
using Hitl.Policy.Cli.Output;
using Hitl.Policy.Cli.Tests.Commands;

namespace Hitl.Policy.Cli.Tests.Samples;

/// <summary>
/// docs/cli.md is the reference of the tool: it names every command with the exit codes its help states, word for
/// word, every expect key and flag, and its test examples pass. The README's section links to it.
/// </summary>
public partial class CliDocsTests
{
    private static readonly string Docs = File.ReadAllText(Cli.Repo("docs/cli.md")).ReplaceLineEndings("\n");

    public static TheoryData<string> EveryCommand => [.. ExitCodeHelpTests.Commands()];

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_command_has_a_section_with_the_exit_codes_of_its_help(string command)
    {
        Assert.Contains($"\n### `hitl {command}`\n", Docs, StringComparison.Ordinal);
        Assert.Contains(HelpText.Exits[command], Docs, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_expect_key_flag_and_non_finite_number_is_documented()
    {
        foreach (var key in new[] { "route", "routeAtLeast", "tier", "approvals", "decidedBy", "fired", "flags", "flagsExactly", "killSwitch" })
        {
            Assert.Contains($"| `{key}` |", Docs, StringComparison.Ordinal);
        }

        foreach (var flag in DecisionText.FlagNames)
        {
            Assert.Contains($"| `{flag}` |", Docs, StringComparison.Ordinal);
        }

        foreach (var number in new[] { "\"NaN\"", "\"Infinity\"", "\"-Infinity\"" })
        {
            Assert.Contains($"| `{number}` |", Docs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_docs_have_no_csharp_blocks_and_every_json_block_parses()
    {
        var fences = Fence().Matches(Docs).Select(m => m.Groups[1].Value).ToList();
        var opening = fences.Where((_, i) => i % 2 == 0).ToList();
        Assert.NotEmpty(opening);
        Assert.All(opening, f => Assert.Contains(f, (string[])["json", "sh", "text"]));
        Assert.All(fences.Where((_, i) => i % 2 == 1), f => Assert.Equal("", f));
        foreach (var block in Blocks(Docs, "json"))
        {
            using var _ = JsonDocument.Parse(block);
        }
    }

    [Fact]
    public void The_test_examples_of_the_docs_and_the_readme_pass_against_the_operations_policy()
    {
        var readme = File.ReadAllText(Cli.Repo("README.md")).ReplaceLineEndings("\n");
        var tests = new List<string>();
        foreach (var block in Blocks(Docs, "json").Concat(Blocks(Section(readme), "json")))
        {
            var root = JsonDocument.Parse(block).RootElement;
            if (root.TryGetProperty("tests", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                tests.AddRange(list.EnumerateArray().Select(t => t.GetRawText()));
            }
            else if (root.TryGetProperty("expect", out _))
            {
                tests.Add(block);
            }
        }

        Assert.True(tests.Count >= 4, $"only {tests.Count} test examples found");
        using var folder = new TempFolder();
        var path = folder.Write("TESTS.json", "{ \"tests\": [" + string.Join(",", tests) + "] }");

        var result = Cli.Run("test", Cli.Operations, path);

        Assert.True(result.Exit == ExitCodes.Ok, result.ToString());
    }

    [Fact]
    public void The_readme_section_is_short_and_links_the_reference()
    {
        var section = Section(File.ReadAllText(Cli.Repo("README.md")).ReplaceLineEndings("\n"));

        Assert.Contains("](docs/cli.md)", section, StringComparison.Ordinal);
        Assert.Contains("`routeAtLeast`", section, StringComparison.Ordinal);
        Assert.Contains("`flagsExactly`", section, StringComparison.Ordinal);
        Assert.Contains("hitl audit repair", section, StringComparison.Ordinal);
        Assert.Contains("never 1", section, StringComparison.Ordinal);
    }

    private static string Section(string readme)
    {
        var start = readme.IndexOf("\n## The `hitl` command", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section on the hitl command");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    private static IEnumerable<string> Blocks(string markdown, string language)
    {
        foreach (Match match in Block().Matches(markdown))
        {
            if (match.Groups[1].Value == language)
            {
                yield return match.Groups[2].Value;
            }
        }
    }

    [GeneratedRegex(@"^```(\w*)$", RegexOptions.Multiline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();
}
