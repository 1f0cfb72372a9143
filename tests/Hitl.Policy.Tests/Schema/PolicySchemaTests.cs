using System.Text.Json;
using Hitl.Policy.Tests.Support;

namespace Hitl.Policy.Tests.Schema;

/// <summary>The shipped JSON Schema describes every policy file in the repository, and rejects what it should.</summary>
public class PolicySchemaTests
{
    private static readonly JsonDocument SchemaDocument = JsonDocument.Parse(File.ReadAllText(Repo.File("schema", "hitl-policy.schema.json")));
    private static readonly JsonSchemaChecker Checker = new(SchemaDocument.RootElement);
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Every JSON file in the repository that names the policy schema in its <c>$schema</c>.</summary>
    public static TheoryData<string> PolicyFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Repo.Root, "*.json", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                                 !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                                 !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Where(f => File.ReadAllText(f).Contains("hitl-policy.schema.json", StringComparison.Ordinal))
                     .Where(f => !f.EndsWith("hitl-policy.schema.json", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Repo.Root, file));
        }

        return data;
    }

    [Fact]
    public void The_schema_accepts_signal_and_field_defaults()
    {
        using var document = JsonDocument.Parse("""
            { "id": "p", "version": "1", "signalDefaults": { "sensitive": false, "vulnerable": true },
              "fields": { "f": { "type": "flag", "default": false }, "n": { "type": "number", "default": 0 } } }
            """);
        Assert.Empty(Checker.Check(document.RootElement));
    }

    [Fact]
    public void The_repository_has_policy_files_to_check() => Assert.True(PolicyFiles().Count >= 2);

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void Every_policy_file_matches_the_schema_and_compiles(string relativePath)
    {
        var path = Path.Combine(Repo.Root, relativePath);
        using var document = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        Assert.Empty(Checker.Check(document.RootElement));
        Assert.Empty(PolicyCompiler.Validate(PolicyJson.Load(path)));
    }

    [Theory]
    [InlineData("""{ "version": "1" }""", "'id' is required")]
    [InlineData("""{ "id": "p", "version": "1", "colour": "blue" }""", "$.colour: not allowed")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "route": "maybe" } }""", "$.defaults.route")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "sampling": { "rate": 1.5 } } }""", "$.defaults.sampling.rate: 1.5 is above 1")]
    [InlineData("""{ "id": "p", "version": "1", "onInvalidSignal": "auto-execute" }""", "$.onInvalidSignal")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "rules": [ { "id": "r", "when": { "field": "x", "gt": 1, "lt": 2 }, "then": {} } ] } }""", "$.defaults.rules[0].when: matches 0 of oneOf")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "impactTiers": [ { "id": "t" } ] } }""", "$.defaults.impactTiers[0]: matches 0 of oneOf")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "review": { "deadline": "4 hours" } } }""", "does not match ^-?P")]
    [InlineData("""{ "id": "p", "version": "1", "signalDefaults": { "sensitive": "no" } }""", "$.signalDefaults.sensitive")]
    [InlineData("""{ "id": "p", "version": "1", "signalDefaults": { "confidence": 1 } }""", "$.signalDefaults.confidence: not allowed")]
    [InlineData("""{ "id": "p", "version": "1", "fields": { "f": { "type": "flag", "default": null } } }""", "$.fields.f.default")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "route": 0 } }""", "$.defaults.route")]
    public void The_schema_rejects_what_the_format_does_not_allow(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);
        var errors = Checker.Check(document.RootElement);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
