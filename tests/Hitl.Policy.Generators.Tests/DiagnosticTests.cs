using Microsoft.CodeAnalysis;

namespace Hitl.Policy.Generators.Tests;

/// <summary>
/// Each diagnostic is reported with its id, as an error, on the line marked <c>//!</c> (the member's [Signal] attribute or
/// the type's identifier), with a message that names the type, the member and the value; and no source is written for
/// a type with an error.
/// </summary>
public class DiagnosticTests
{
    public static TheoryData<string, string, string, string[]> Cases() => new()
    {
        {
            "HITL001", "not partial", """
            [HitlSignals]
            public struct Host //!
            {
                [Signal("action")] public string? Action;
            }
            """, ["'N.Host' must be declared partial"]
        },
        {
            "HITL001", "a containing type not partial", """
            public static class Outer //!
            {
                [HitlSignals]
                public partial struct Host
                {
                    [Signal("action")] public string? Action;
                }
            }
            """, ["'N.Outer' must be declared partial", "'N.Outer.Host'"]
        },
        {
            "HITL002", "text for a number", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("confidence")] public string? Score; //!
            }
            """, ["'N.Host.Score'", "'string?'", "'confidence'", "double, float, int, long or decimal"]
        },
        {
            "HITL002", "a number for the action", """
            [HitlSignals]
            public partial class Host
            {
                [Signal("action")] public int Action { get; set; } //!
            }
            """, ["'N.Host.Action'", "'int'", "'action'", "a text, read from a string"]
        },
        {
            "HITL002", "a host field of an unsupported type", """
            [HitlSignals]
            public partial record Host
            {
                [Signal("action")] public string? Action { get; init; }
                [Signal("applicant.born")] public System.DateTime Born { get; init; } //!
            }
            """, ["'N.Host.Born'", "'System.DateTime'", "'applicant.born'", "a host field is a number"]
        },
        {
            "HITL002", "a flag that is an int", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("sensitive")] public int Sensitive; //!
            }
            """, ["'N.Host.Sensitive'", "'int'", "'sensitive'", "bool or bool?"]
        },
        {
            "HITL003", "the same signal twice", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("confidence")] public double Score;
                [Signal("confidence")] public double OtherScore; //!
            }
            """, ["'N.Host.OtherScore'", "'confidence'", "'N.Host.Score' already claims"]
        },
        {
            "HITL004", "no action", """
            [HitlSignals]
            public partial struct Host //!
            {
                [Signal("confidence")] public double Score;
            }
            """, ["'N.Host'", "[Signal(\"action\")]"]
        },
        {
            "HITL005", "a white-space name", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("  ")] public double Score; //!
            }
            """, ["'N.Host.Score'", "\"  \"", "empty or white space"]
        },
        {
            "HITL005", "an empty name", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("")] public double Score; //!
            }
            """, ["'N.Host.Score'", "\"\""]
        },
        {
            "HITL006", "a static member", """
            [HitlSignals]
            public partial struct Host
            {
                [Signal("action")] public string? Action;
                [Signal("confidence")] public static double Score; //!
            }
            """, ["'N.Host.Score'", "'confidence'", "it is static"]
        },
        {
            "HITL006", "a property without getter", """
            [HitlSignals]
            public partial class Host
            {
                private double _score;
                [Signal("action")] public string? Action { get; set; }
                [Signal("confidence")] public double Score { set => _score = value; } //!
            }
            """, ["'N.Host.Score'", "'confidence'", "no getter"]
        },
        {
            "HITL006", "an indexer", """
            [HitlSignals]
            public partial class Host
            {
                [Signal("action")] public string? Action { get; set; }
                [Signal("confidence")] public double this[int i] => i; //!
            }
            """, ["'N.Host.this[]'", "'confidence'", "indexer"]
        },
        {
            "HITL007", "a generic type", """
            [HitlSignals]
            public partial struct Host<T> //!
            {
                [Signal("action")] public string? Action;
            }
            """, ["'N.Host<T>' is generic", "does not support generic types"]
        },
        {
            "HITL007", "a type nested in a generic type", """
            public partial class Outer<T>
            {
                [HitlSignals]
                public partial struct Host //!
                {
                    [Signal("action")] public string? Action;
                }
            }
            """, ["'N.Outer<T>' is generic", "'N.Outer<T>.Host'"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_error_is_reported_on_its_line_with_a_message_naming_what_is_wrong_and_no_source_is_written(
        string id, string what, string body, string[] inMessage)
    {
        var source = "using Hitl.Policy;\n\nnamespace N;\n\n" + body.ReplaceLineEndings("\n");
        var line = source.Split('\n').ToList().FindIndex(l => l.EndsWith("//!", StringComparison.Ordinal));

        var (result, _) = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.True(diagnostic.Id == id, $"{what}: {diagnostic}");
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Hitl.Policy", diagnostic.Descriptor.Category);
        Assert.Equal(line, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        var located = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.True(located.StartsWith("Signal(", StringComparison.Ordinal) || located is "Host" or "Outer", $"{what}: located on '{located}'");
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(inMessage, part => Assert.Contains(part, message, StringComparison.Ordinal));
        Assert.Empty(Assert.Single(result.Results).GeneratedSources);
    }

    [Fact]
    public void A_type_with_several_errors_reports_them_all_and_other_types_are_still_generated()
    {
        var source = """
            using Hitl.Policy;

            namespace N;

            [HitlSignals]
            public partial struct Broken
            {
                [Signal("confidence")] public string? Score;
                [Signal("")] public double Empty;
                [Signal("risk")] public static double Risk;
            }

            [HitlSignals]
            public partial struct Fine
            {
                [Signal("action")] public string? Action;
            }
            """;

        var (result, output) = GeneratorHarness.Run(source);

        Assert.Equal(["HITL002", "HITL005", "HITL006", "HITL004"], result.Diagnostics.Select(d => d.Id));
        Assert.Equal("N.Fine.HitlSignals.g.cs", Assert.Single(Assert.Single(result.Results).GeneratedSources).HintName);
        Assert.DoesNotContain(output.SyntaxTrees, tree => tree.FilePath.Contains("Broken", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_descriptor_is_an_enabled_error_of_the_Hitl_Policy_category()
    {
        var ids = typeof(HitlSignalsGenerator).Assembly.GetType("Hitl.Policy.Generators.HitlDiagnostics")!
            .GetFields().Where(f => f.IsLiteral && f.Name.EndsWith("Id", StringComparison.Ordinal)).Select(f => (string)f.GetValue(null)!).Order();
        Assert.Equal(["HITL001", "HITL002", "HITL003", "HITL004", "HITL005", "HITL006", "HITL007"], ids);
    }
}
