namespace Hitl.Policy.Cli.Tests.Samples;

// README code that is compiled: the csharp block of a README section is a region of samples/Hitl.Policy.Snippets,
// verbatim (after trimming their common indentation), so that the README cannot drift from code that builds.
public class ReadmeSnippetTests
{
    [Theory]
    [InlineData("## Agents and tool calls", "samples/Hitl.Policy.Snippets/AgentToolsSnippet.cs", "agent-tools")]
    public void A_readme_code_block_is_its_compiled_snippet(string heading, string file, string region)
    {
        var snippet = Region(File.ReadAllText(Cli.Repo(file)), region, file);
        var block = CodeBlockOf(File.ReadAllText(Cli.Repo("README.md")), heading);

        Assert.Equal(snippet, block);
    }

    [Fact]
    public void Indentation_and_line_ends_do_not_count_but_the_code_does()
    {
        var source = "class C\n{\n    void M()\n    {\n        #region r\n        var a = 1;\n\n        if (a > 0)\n        {\n            a++;\n        }\n        #endregion\n    }\n}\n";
        var readme = "# T\r\n\r\n## S\r\n\r\nText.\r\n\r\n```csharp\r\nvar a = 1;\r\n\r\nif (a > 0)\r\n{\r\n    a++;\r\n}\r\n```\r\n\r\n## Next\r\n";

        Assert.Equal(Region(source, "r", "C.cs"), CodeBlockOf(readme, "## S"));
        Assert.NotEqual(Region(source, "r", "C.cs"), CodeBlockOf(readme.Replace("a++", "a--", StringComparison.Ordinal), "## S"));
    }

    /// <summary>The lines between <c>#region name</c> and the next <c>#endregion</c>, without their common indentation.</summary>
    private static string Region(string source, string name, string file)
    {
        var lines = LinesOf(source);
        var start = lines.FindIndex(l => string.Equals(l.Trim(), "#region " + name, StringComparison.Ordinal));
        Assert.True(start >= 0, $"{file} has no '#region {name}'.");
        var end = lines.FindIndex(start + 1, l => string.Equals(l.Trim(), "#endregion", StringComparison.Ordinal));
        Assert.True(end > start, $"'#region {name}' in {file} has no #endregion.");
        return Dedent(lines.GetRange(start + 1, end - start - 1));
    }

    /// <summary>The first csharp block of the README section under the heading (up to the next heading of its level), without its common indentation.</summary>
    private static string CodeBlockOf(string readme, string heading)
    {
        var lines = LinesOf(readme);
        var at = lines.FindIndex(l => string.Equals(l.TrimEnd(), heading, StringComparison.Ordinal));
        Assert.True(at >= 0, $"README.md has no heading '{heading}'.");
        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var next = lines.FindIndex(at + 1, l => l.StartsWith(level, StringComparison.Ordinal));
        var open = lines.FindIndex(at + 1, l => string.Equals(l.TrimEnd(), "```csharp", StringComparison.Ordinal));
        Assert.True(open > at && (next < 0 || open < next), $"The README section '{heading}' has no ```csharp block.");
        var close = lines.FindIndex(open + 1, l => string.Equals(l.TrimEnd(), "```", StringComparison.Ordinal));
        Assert.True(close > open, $"The ```csharp block of '{heading}' is not closed.");
        return Dedent(lines.GetRange(open + 1, close - open - 1));
    }

    private static List<string> LinesOf(string text) => [.. text.ReplaceLineEndings("\n").Split('\n')];

    /// <summary>The lines without trailing spaces, leading and trailing blank lines and the indentation they share.</summary>
    private static string Dedent(List<string> lines)
    {
        var trimmed = lines.Select(l => l.TrimEnd()).SkipWhile(l => l.Length == 0).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();
        var indent = trimmed.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", trimmed.Select(l => l.Length == 0 ? l : l[indent..]));
    }
}
