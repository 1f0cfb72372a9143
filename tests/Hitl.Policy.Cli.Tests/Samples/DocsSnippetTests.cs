using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Hitl.Policy.Cli.Tests.Samples;

/// <summary>
/// Docs that compile: every ```csharp block of README.md and docs/*.md is preceded by
/// <c>&lt;!-- snippet: FILE#REGION --&gt;</c> (or <c>FILE</c> for the whole file) and equals that region of a project
/// that builds (after trimming the indentation they share); other blocks may carry a marker too. Links between the docs
/// resolve, the package READMEs link only absolutely, and the Quick example's <c>$schema</c> is this repository's schema.
/// </summary>
public partial class DocsSnippetTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.EnumerateFiles(Cli.Repo("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Cli.RepositoryRoot, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_code_block_with_a_snippet_marker_is_its_compiled_source_and_every_csharp_block_has_one(string document)
    {
        var blocks = BlocksOf(File.ReadAllText(Cli.Repo(document)));
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            if (block.Marker is null)
            {
                if (block.Language == "csharp")
                {
                    problems.Add($"{document}:{block.Line}: a csharp block without '<!-- snippet: FILE#REGION -->' above it");
                }

                continue;
            }

            var (file, region) = Split(block.Marker);
            if (!File.Exists(Cli.Repo(file)))
            {
                problems.Add($"{document}:{block.Line}: the snippet file '{file}' does not exist");
                continue;
            }

            var source = region is null ? Dedent(LinesOf(File.ReadAllText(Cli.Repo(file)))) : Region(File.ReadAllText(Cli.Repo(file)), region, file);
            if (!string.Equals(source, block.Code, StringComparison.Ordinal))
            {
                problems.Add($"{document}:{block.Line}: the block differs from {block.Marker}:\n--- source\n{source}\n--- document\n{block.Code}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public void The_readme_shows_compiled_code_in_every_csharp_block()
    {
        var blocks = BlocksOf(File.ReadAllText(Cli.Repo("README.md")));

        Assert.True(blocks.Count(b => b.Language == "csharp") >= 11);
        Assert.All(blocks.Where(b => b.Language == "csharp"), b => Assert.NotNull(b.Marker));
    }

    [Fact]
    public void A_changed_line_counts_but_indentation_and_line_ends_do_not()
    {
        var source = "class C\n{\n    void M()\n    {\n        #region r\n        var a = 1;\n\n        if (a > 0)\n        {\n            a++;\n        }\n        #endregion\n    }\n}\n";
        var readme = "# T\r\n\r\n<!-- snippet: C.cs#r -->\r\n```csharp\r\nvar a = 1;\r\n\r\nif (a > 0)\r\n{\r\n    a++;\r\n}\r\n```\r\n\r\n```csharp\r\nvar b = 2;\r\n```\r\n";

        var blocks = BlocksOf(readme);

        Assert.Equal(Region(source, "r", "C.cs"), blocks[0].Code);
        Assert.Equal("C.cs#r", blocks[0].Marker);
        Assert.Null(blocks[1].Marker);
        Assert.NotEqual(Region(source, "r", "C.cs"), BlocksOf(readme.Replace("a++", "a--", StringComparison.Ordinal))[0].Code);
    }

    [Fact]
    public void An_xml_region_is_found_as_a_csharp_one_is()
    {
        var project = "<Project>\n  <!--#region files-->\n  <ItemGroup>\n    <None Update=\"p.json\" />\n  </ItemGroup>\n  <!--#endregion-->\n</Project>\n";

        Assert.Equal("<ItemGroup>\n  <None Update=\"p.json\" />\n</ItemGroup>", Region(project, "files", "p.csproj"));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Relative_links_of_the_docs_resolve_to_files_of_the_repository(string document)
    {
        var folder = Path.GetDirectoryName(Cli.Repo(document))!;
        var broken = Links(File.ReadAllText(Cli.Repo(document)))
            .Where(l => !l.StartsWith("http", StringComparison.Ordinal) && !l.StartsWith('#') && !l.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(l => l.Split('#')[0])
            .Where(l => !File.Exists(Path.Combine(folder, l)) && !Directory.Exists(Path.Combine(folder, l)))
            .ToList();

        Assert.True(broken.Count == 0, $"{document} links to what is not there: {string.Join(", ", broken)}");
    }

    [Fact]
    public void Package_readmes_link_only_to_absolute_addresses_of_the_repository()
    {
        var repository = Repository();
        var readmes = Directory.EnumerateFiles(Cli.Repo("src"), "PACKAGE.md", SearchOption.AllDirectories).ToList();
        // Every package has its readme; the source generator ships inside Hitl.Policy and is no package of its own.
        var packages = Directory.EnumerateFiles(Cli.Repo("src"), "*.csproj", SearchOption.AllDirectories)
            .Count(p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal));
        Assert.Equal(packages, readmes.Count);
        foreach (var readme in readmes)
        {
            var links = Links(File.ReadAllText(readme)).ToList();
            Assert.All(links, l => Assert.StartsWith(repository + "/", l));
            foreach (var link in links.Where(l => l.StartsWith(repository + "/blob/main/", StringComparison.Ordinal)))
            {
                var path = link[(repository + "/blob/main/").Length..].Split('#')[0];
                Assert.True(File.Exists(Cli.Repo(path)), $"{readme} links to {path}, which is not in the repository");
            }
        }
    }

    [Fact]
    public void The_quick_examples_schema_is_this_repositorys_schema_at_its_raw_address()
    {
        var policy = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Cli.Repo("samples/Hitl.Policy.QuickExample/refunds.json")));
        var schema = policy.RootElement.GetProperty("$schema").GetString()!;
        var raw = Repository().Replace("https://github.com/", "https://raw.githubusercontent.com/", StringComparison.Ordinal) + "/main/";

        Assert.StartsWith(raw, schema, StringComparison.Ordinal);
        Assert.True(File.Exists(Cli.Repo(schema[raw.Length..])), $"{schema} names a file that is not in the repository");
    }

    [Fact]
    public void The_policy_reference_names_every_property_the_schema_defines()
    {
        var reference = File.ReadAllText(Cli.Repo("docs/policy-reference.md"));
        var names = new SortedSet<string>(StringComparer.Ordinal);
        Collect(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Cli.Repo("schema/hitl-policy.schema.json"))), names);

        Assert.True(names.Count > 40, $"the schema's properties were not found ({names.Count})");
        var missing = names.Where(n => !reference.Contains('`' + n + '`', StringComparison.Ordinal) && !reference.Contains('"' + n + '"', StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/policy-reference.md does not name: " + string.Join(", ", missing));

        static void Collect(System.Text.Json.Nodes.JsonNode? node, SortedSet<string> names)
        {
            if (node is System.Text.Json.Nodes.JsonObject obj)
            {
                foreach (var (key, value) in obj)
                {
                    if (key == "properties" && value is System.Text.Json.Nodes.JsonObject properties)
                    {
                        foreach (var (name, _) in properties)
                        {
                            names.Add(name);
                        }
                    }

                    Collect(value, names);
                }
            }
            else if (node is System.Text.Json.Nodes.JsonArray array)
            {
                foreach (var item in array)
                {
                    Collect(item, names);
                }
            }
        }
    }

    /// <summary>The repository's address, as the packages carry it (Directory.Build.props).</summary>
    private static string Repository() =>
        XDocument.Load(Cli.Repo("Directory.Build.props")).Descendants("HitlRepository").Single().Value;

    private static IEnumerable<string> Links(string markdown) => LinkPattern().Matches(markdown).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();

    private sealed record Block(int Line, string Language, string? Marker, string Code);

    private static (string File, string? Region) Split(string marker)
    {
        var hash = marker.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? (marker, null) : (marker[..hash], marker[(hash + 1)..]);
    }

    /// <summary>Every fenced block with its language and the snippet marker on the last non-blank line above it.</summary>
    private static List<Block> BlocksOf(string markdown)
    {
        var lines = LinesOf(markdown);
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Count; i++)
        {
            var open = lines[i].TrimEnd();
            if (!open.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var close = lines.FindIndex(i + 1, l => string.Equals(l.TrimEnd(), "```", StringComparison.Ordinal));
            Assert.True(close > i, $"The block at line {i + 1} is not closed.");
            var above = i - 1;
            while (above >= 0 && lines[above].Trim().Length == 0)
            {
                above--;
            }

            var marker = above >= 0 ? MarkerPattern().Match(lines[above].Trim()) : Match.Empty;
            blocks.Add(new Block(i + 1, open[3..], marker.Success ? marker.Groups[1].Value : null, Dedent(lines.GetRange(i + 1, close - i - 1))));
            i = close;
        }

        return blocks;
    }

    [GeneratedRegex(@"^<!-- snippet: (\S+) -->$")]
    private static partial Regex MarkerPattern();

    /// <summary>The lines between <c>#region name</c> (or <c>&lt;!--#region name--&gt;</c>) and the next end of a region, without their common indentation.</summary>
    private static string Region(string source, string name, string file)
    {
        var lines = LinesOf(source);
        var start = lines.FindIndex(l => l.Trim() is var t && (t == "#region " + name || t == "<!--#region " + name + "-->"));
        Assert.True(start >= 0, $"{file} has no region '{name}'.");
        var end = lines.FindIndex(start + 1, l => l.Trim() is "#endregion" or "<!--#endregion-->");
        Assert.True(end > start, $"The region '{name}' in {file} has no end.");
        return Dedent(lines.GetRange(start + 1, end - start - 1));
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
