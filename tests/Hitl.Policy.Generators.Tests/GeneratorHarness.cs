using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hitl.Policy.Generators.Tests;

/// <summary>Compiles a source string against the running framework and Hitl.Policy, and runs the generator over it.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            paths.Add(path);
        }

        paths.Add(typeof(SignalSchema<>).Assembly.Location);
        return [.. paths.Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>Documentation comments are parsed and checked, as in a project that generates a documentation file.</summary>
    public static readonly CSharpParseOptions ParseOptions =
        new CSharpParseOptions(LanguageVersion.Preview, DocumentationMode.Diagnose);

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "HostAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Host{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new HitlSignalsGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator: its result, and the compilation with the generated sources added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>The compiler's errors anywhere, and its warnings in the generated sources (CS1591 included).</summary>
    public static ImmutableArray<Diagnostic> Problems(Compilation compilation) =>
        [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error
            || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true))];
}
