using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Hitl.Policy.Definition;
using Microsoft.CodeAnalysis.CSharp;

namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// Issue 17: over hundreds of random policies and thousands of random inputs each, the router each policy writes as C#
/// (compiled here with Roslyn, as the host's own build would compile it) decides exactly as the interpreter and
/// <c>Explain()</c> do, on every field of the decision: under an engaged kill switch, with keyed and unkeyed samples,
/// with unknown and missing action types and invalid signals. Policies with hostile text, more rules than the fired
/// set holds, and the host-field tests the random policies do not write are compared too.
/// </summary>
public class WrittenRouterEquivalenceTests
{
    private const int Policies = 200;
    private const int InputsPerPolicy = 2_000;
    private const string Namespace = "Hitl.Policy.Tests.Written";

    [Fact]
    public void Written_routers_decide_as_the_interpreter_and_explain_do_on_random_policies()
    {
        var random = new Random(20261204);
        var definitions = new List<(string Json, PolicyDefinition Definition)>();
        for (var p = 0; p < Policies; p++)
        {
            var json = ReaderEquivalenceTests.RandomPolicy(random);
            definitions.Add((json, PolicyJson.Parse(json)));
        }

        foreach (var json in Crafted())
        {
            definitions.Add((json, PolicyJson.Parse(json)));
        }

        // One compilation for every router, as a host project compiles its files.
        var sources = definitions.Select((d, p) => PolicyCompiler.Compile(d.Definition, RandomFields.Schema).WriteRouterSource(Namespace, "Router" + p));
        var assembly = Build(sources);

        var compared = 0;
        var routes = new int[5];
        var sampled = 0;
        for (var p = 0; p < definitions.Count; p++)
        {
            var (json, definition) = definitions[p];
            var killSwitch = new KillSwitch();
            var key = p % 3 == 0 ? new SamplingKey(Encoding.UTF8.GetBytes("written-secret-" + p)) : null;
            var router = (PolicyRouter<RandomFields>)Activator.CreateInstance(assembly.GetType(Namespace + ".Router" + p, throwOnError: true)!)!;
            var written = PolicyCompiler.Compile(definition, RandomFields.Schema, router, killSwitch, key);
            var interpreted = PolicyCompiler.Compile(definition, RandomFields.Schema, killSwitch, key);
            Assert.True(written.IsPrecompiled, "policy " + p);
            Assert.Equal(interpreted.Route(null!), written.Route(null!));
            for (var i = 0; i < InputsPerPolicy; i++)
            {
                if (i == InputsPerPolicy * 3 / 4)
                {
                    killSwitch.Engage(p % 2 == 0 ? "a.one" : null, "test", "equivalence under an engaged switch");
                }

                var context = RandomFields.From(ReaderEquivalenceTests.RandomInput(random) with { Throws = null });
                var expected = interpreted.Route(context);
                var actual = written.Route(context);
                if (actual != expected || written.Explain(context).Decision != expected)
                {
                    Assert.Fail($"policy {p}, input {i}: interpreter {expected}, written router {actual}\ninput: {context}\npolicy: {json}");
                }

                compared++;
                routes[(int)expected.Route]++;
                sampled += (expected.Flags & DecisionFlags.SampledForAudit) != 0 ? 1 : 0;
            }
        }

        Assert.Equal(definitions.Count * InputsPerPolicy, compared);
        Assert.All(routes, count => Assert.True(count > 1_000, "every route should be reached often: " + string.Join(", ", routes)));
        Assert.True(sampled > 1_000, $"only {sampled} sampled decisions");
    }

    [Fact]
    public void A_computed_member_that_throws_stops_for_a_person_through_the_written_router_as_through_the_interpreter()
    {
        var definition = PolicyJson.Parse("""
            { "id": "throwing", "version": "1", "onInvalidSignal": "review", "fields": { "n1": { "type": "number", "min": 0, "max": 100 } },
              "defaults": { "route": "auto-execute", "rules": [ { "id": "big", "when": { "field": "n1", "gt": 50 }, "then": { "route": "escalate" } },
                { "id": "unsure", "when": { "field": "confidence", "lt": 0.5 }, "then": { "route": "review" } } ] },
              "actions": { "a.one": {} } }
            """);
        var interpreted = PolicyCompiler.Compile(definition, ComputedFields.Schema);
        var source = interpreted.WriteRouterSource(Namespace, "ThrowingRouter");
        var router = (PolicyRouter<ComputedFields>)Activator.CreateInstance(Build([source]).GetType(Namespace + ".ThrowingRouter", throwOnError: true)!)!;
        var written = PolicyCompiler.Compile(definition, ComputedFields.Schema, router);

        Assert.True(written.IsPrecompiled);
        foreach (var context in new[]
        {
            new ComputedFields { Action = "a.one", Confidence = 0.99, N1 = 10 },
            new ComputedFields { Action = "a.one", Confidence = 0.99, N1 = 90 },
            new ComputedFields { Action = "a.one", Confidence = 0.99, N1 = 10, ThrowOnN1 = true },
            new ComputedFields { Action = "a.one", Confidence = 0.99, N1 = 10, ThrowOnConfidence = true },
        })
        {
            var expected = interpreted.Route(context);
            Assert.Equal(expected, written.Route(context));
            Assert.Equal(context.ThrowOnN1 || context.ThrowOnConfidence, (expected.Flags & DecisionFlags.RuleFault) != 0);
        }

        Assert.Equal(RouteLevel.Review, written.Route(new ComputedFields { Action = "a.one", Confidence = 0.99, ThrowOnN1 = true }).Route);
    }

    [Fact]
    public void Text_from_the_policy_reaches_the_source_only_as_escaped_literals()
    {
        var hostile = """\"); global::System.Environment.Exit(3); //""" + "\n\u2028*/";
        var json = Hostile(hostile);
        var source = PolicyCompiler.Compile(PolicyJson.Parse(json), RandomFields.Schema).WriteRouterSource(Namespace, "HostileRouter");

        Assert.DoesNotContain("Environment.Exit(3); //\"", source, StringComparison.Ordinal);
        Assert.DoesNotContain("\u2028", source, StringComparison.Ordinal);
        Assert.Contains("\\u0022); global::System.Environment.Exit(3); //\\u000A\\u2028*/", source, StringComparison.Ordinal);
        Assert.All(source.Split('\n'), line => Assert.True(line.All(c => c is >= ' ' and <= '~'), "non-ASCII or control text in: " + line));
    }

    [Fact]
    public void Bad_names_and_schemas_without_a_reader_are_refused_with_the_value()
    {
        var policy = PolicyCompiler.Compile(PolicyJson.Parse(Crafted()[0]), RandomFields.Schema);
        var badClass = Assert.Throws<ArgumentException>(() => policy.WriteRouterSource(Namespace, "Not A Class"));
        Assert.Contains("'Not A Class'", badClass.Message, StringComparison.Ordinal);
        var badNamespace = Assert.Throws<ArgumentException>(() => policy.WriteRouterSource("My..App", "Router"));
        Assert.Contains("'My..App'", badNamespace.Message, StringComparison.Ordinal);

        var withoutReader = PolicyCompiler.Compile(PolicyJson.Parse(Crafted()[0]), RandomContext.DelegateSchema());
        var refused = Assert.Throws<NotSupportedException>(() => withoutReader.WriteRouterSource(Namespace, "Router"));
        Assert.Contains("[HitlSignals]", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Policies the random generator does not write: number sets and ranges, defaults, hostile text, 140 rules.</summary>
    private static string[] Crafted()
    {
        var many = string.Join(", ", Enumerable.Range(0, 140).Select(i =>
            $$"""{ "id": "n{{i}}", "when": { "field": "n1", "gte": {{i % 100}} }, "then": { "route": "{{(i % 7 == 0 ? "review" : "auto-execute-with-notice")}}"{{(i % 11 == 0 ? ", \"approvals\": 2" : "")}} } }"""));
        return
        [
            """
            { "id": "crafted", "version": "1", "tiers": ["t0", "t1"], "onInvalidSignal": "escalate",
              "fields": { "n1": { "type": "number", "min": 0, "max": 100, "default": 50 }, "r1": { "type": "number", "min": 0, "max": 1 },
                "t1": { "type": "text", "default": "y" }, "f1": { "type": "flag" }, "f2": { "type": "flag", "default": true } },
              "defaults": { "route": "auto-execute", "rules": [
                { "id": "set", "when": { "field": "n1", "in": [3, 17, 50, 99] }, "then": { "route": "review", "tier": "t1" } },
                { "id": "range", "when": { "field": "n1", "between": [20, 40] }, "then": { "route": "auto-execute-with-notice" } },
                { "id": "not-eq", "when": { "field": "n1", "ne": 7 }, "then": { "route": "auto-execute", "deadline": "PT5M" } },
                { "id": "text", "when": { "field": "t1", "ne": "x" }, "then": { "route": "review" } },
                { "id": "flag", "when": { "any": [ { "field": "f2", "eq": false }, { "not": { "field": "f1", "eq": true } } ] }, "then": { "route": "escalate", "onTimeout": "block" } } ] },
              "actions": { "a.one": { "sampling": { "rate": 0.3, "mode": "review" } }, "a.two": { "route": "review" } } }
            """,
            Hostile("""quote " back \ newline""" + "\n" + "tab\t nul\0 emoji \U0001F600"),
            $$"""
            { "id": "wide", "version": "1", "fields": { "n1": { "type": "number", "min": 0, "max": 100 } },
              "defaults": { "route": "auto-execute", "rules": [ {{many}} ] }, "actions": { "a.one": {}, "a.three": {} } }
            """,
        ];
    }

    private static string Hostile(string text)
    {
        var literal = System.Text.Json.JsonSerializer.Serialize(text);
        return $$"""
            { "id": "hostile", "version": "1", "fields": { "t1": { "type": "text" } },
              "defaults": { "route": "auto-execute", "rules": [ { "id": "odd", "when": { "field": "t1", "in": [{{literal}}, "x"] }, "then": { "route": "review" } },
                { "id": "cat", "when": { "field": "category", "in": [{{literal}}] }, "then": { "route": "escalate" } } ] },
              "actions": { {{literal}}: {}, "a.one": {} } }
            """;
    }

    private static Assembly Build(IEnumerable<string> sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(PolicyRouter<>).Assembly.Location, typeof(RandomFields).Assembly.Location])
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "WrittenRouters" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
            sources.Select(source => CSharpSyntaxTree.ParseText(source, options)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(20).ToList();
        Assert.True(result.Success && problems.Count == 0, "the written routers do not compile cleanly:\n" + string.Join("\n", problems));
        return Assembly.Load(image.ToArray());
    }
}

/// <summary>A context whose computed members may throw: its generated schema keeps the guarded path.</summary>
[HitlSignals]
public sealed partial record ComputedFields
{
    [Signal(StandardSignals.Action)] public string? Action { get; init; }

    public double Confidence { get; init; }

    [Signal(StandardSignals.Confidence)]
    public double ConfidenceRead => ThrowOnConfidence ? throw new InvalidOperationException("confidence unreadable") : Confidence;

    public double N1 { get; init; }

    [Signal("n1")]
    public double N1Read => ThrowOnN1 ? throw new InvalidOperationException("n1 unreadable") : N1;

    public bool ThrowOnN1 { get; init; }

    public bool ThrowOnConfidence { get; init; }
}
