using System.Text.Json;
using System.Text.Json.Nodes;
using Hitl.Policy.Tests.Support;
using Json.Schema;

namespace Hitl.Policy.Tests.Schema;

/// <summary>The shipped JSON Schema describes every policy file in the repository, and rejects what it should.</summary>
public class PolicySchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Repo.File("schema", "hitl-policy.schema.json"));
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
        AssertValid("the inline policy", document.RootElement);
    }

    [Fact]
    public void The_repository_has_policy_files_to_check() => Assert.True(PolicyFiles().Count >= 2);

    [Theory]
    [MemberData(nameof(PolicyFiles))]
    public void Every_policy_file_matches_the_schema_and_compiles(string relativePath)
    {
        var path = Path.Combine(Repo.Root, relativePath);
        using var document = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        AssertValid(relativePath, document.RootElement);
        Assert.Empty(PolicyCompiler.Validate(PolicyJson.Load(path)));
    }

    [Theory]
    [InlineData("""{ "version": "1" }""", "", "required")]
    [InlineData("""{ "id": "p", "version": "1", "colour": "blue" }""", "/colour", "false")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "route": "maybe" } }""", "/defaults/route", "enum")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "sampling": { "rate": 1.5 } } }""", "/defaults/sampling/rate", "maximum")]
    [InlineData("""{ "id": "p", "version": "1", "onInvalidSignal": "auto-execute" }""", "/onInvalidSignal", "enum")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "rules": [ { "id": "r", "when": { "field": "x", "gt": 1, "lt": 2 }, "then": {} } ] } }""", "/defaults/rules/0/when", "oneOf")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "impactTiers": [ { "id": "t" } ] } }""", "/defaults/impactTiers/0", "oneOf")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "review": { "deadline": "4 hours" } } }""", "/defaults/review/deadline", "pattern")]
    [InlineData("""{ "id": "p", "version": "1", "signalDefaults": { "sensitive": "no" } }""", "/signalDefaults/sensitive", "type")]
    [InlineData("""{ "id": "p", "version": "1", "signalDefaults": { "confidence": 1 } }""", "/signalDefaults/confidence", "false")]
    [InlineData("""{ "id": "p", "version": "1", "fields": { "f": { "type": "flag", "default": null } } }""", "/fields/f/default", "type")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "route": 0 } }""", "/defaults/route", "enum")]
    public void The_schema_rejects_what_the_format_does_not_allow(string json, string location, string keyword)
    {
        // The keyword that fails at the location ("false" for a property no schema allows), or the applicator (oneOf)
        // whose every alternative fails there.
        using var document = JsonDocument.Parse(json);
        var errors = Errors(document.RootElement);
        Assert.True(
            errors.Any(e => e.Location == location && (e.Keyword == keyword || e.SchemaPath.Contains($"/{keyword}/", StringComparison.Ordinal))),
            $"expected a '{keyword}' error at {Show(location)} for {json}; the schema said:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void A_sample_policy_broken_in_one_place_is_rejected_there()
    {
        const string file = "samples/policies/operations.json";
        var policy = JsonNode.Parse(File.ReadAllText(Repo.File("samples", "policies", "operations.json")), documentOptions: Lenient)!;
        policy["actions"]!["refund.issue"]!["rules"]![0]!["then"]!["route"] = "whenever";
        using var broken = JsonDocument.Parse(policy.ToJsonString());

        var errors = Errors(broken.RootElement);

        Assert.NotEmpty(errors);
        Assert.True(
            errors.Any(e => e.Location == "/actions/refund.issue/rules/0/then/route"),
            $"{file} with a bad route: expected an error at /actions/refund.issue/rules/0/then/route; the schema said:\n{string.Join('\n', errors)}");
    }

    private static void AssertValid(string file, JsonElement instance)
    {
        var errors = Errors(instance);
        Assert.True(errors.Count == 0, $"{file} does not match schema/hitl-policy.schema.json:\n{string.Join('\n', errors)}");
    }

    /// <summary>What the schema says is wrong with a document: every failing keyword, at the instance location it failed at.</summary>
    private static List<SchemaError> Errors(JsonElement instance)
    {
        var results = Schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        return [.. new[] { results }.Concat(results.Details ?? [])
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Select(e => new SchemaError(r.InstanceLocation.ToString(), e.Key.Length == 0 ? "false" : e.Key, e.Value, r.EvaluationPath.ToString())))
            .Distinct()];
    }

    private static string Show(string location) => location.Length == 0 ? "the document's root" : location;

    /// <summary>
    /// One failing keyword: where in the document (a JSON Pointer), which keyword ("false" where the schema there is
    /// <c>false</c>, as for a property that <c>additionalProperties: false</c> refuses), the library's message, and where in the schema.
    /// </summary>
    private sealed record SchemaError(string Location, string Keyword, string Message, string SchemaPath)
    {
        public override string ToString() => $"at {Show(Location)}: {Keyword}: {Message} (schema {SchemaPath})";
    }
}
