using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Hitl.Policy.Generators.Tests;

/// <summary>The pipeline's model is equatable, so that an edit that does not touch a host leaves its output cached.</summary>
public class IncrementalTests
{
    private const string Other = "namespace Elsewhere { internal static class Helper { internal static int One() => 1; } }";

    [Fact]
    public void An_edit_in_another_file_leaves_the_host_step_cached()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LoanRequestSource, Other);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult();

        driver = driver.RunGenerators(Replace(compilation, 1, Other.Replace("=> 1", "=> 2", StringComparison.Ordinal)));

        var result = Assert.Single(driver.GetRunResult().Results);
        // Roslyn 4.3 re-runs the transform when the compilation changes (newer versions skip it: Cached); either way the
        // model is equal, and the source output is not written again.
        var outputs = Assert.Single(result.TrackedSteps[HitlSignalsGenerator.HostStep]).Outputs;
        Assert.All(outputs, output => Assert.Contains(output.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        AssertSourceOutputCached(result);
        Assert.Equal(
            Assert.Single(Assert.Single(first.Results).GeneratedSources).SourceText.ToString(),
            Assert.Single(result.GeneratedSources).SourceText.ToString());
    }

    [Fact]
    public void An_unrelated_edit_in_the_host_file_gives_an_equal_model_and_so_an_unchanged_step()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LoanRequestSource);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        driver = driver.RunGenerators(Replace(compilation, 0, GeneratedSourceTests.LoanRequestSource + "\n" + Other));

        var outputs = Assert.Single(Assert.Single(driver.GetRunResult().Results).TrackedSteps[HitlSignalsGenerator.HostStep]).Outputs;
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Unchanged, output.Reason));
        AssertSourceOutputCached(Assert.Single(driver.GetRunResult().Results));
    }

    [Fact]
    public void A_new_signal_member_modifies_the_model_and_the_output()
    {
        var compilation = GeneratorHarness.Compile(GeneratedSourceTests.LoanRequestSource);
        var driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        var edited = GeneratedSourceTests.LoanRequestSource.Replace(
            "public string Note { get; init; }", "[Signal(\"risk\")] public double Risk { get; init; }", StringComparison.Ordinal);

        driver = driver.RunGenerators(Replace(compilation, 0, edited));

        var result = Assert.Single(driver.GetRunResult().Results);
        var outputs = Assert.Single(result.TrackedSteps[HitlSignalsGenerator.HostStep]).Outputs;
        Assert.All(outputs, output => Assert.Equal(IncrementalStepRunReason.Modified, output.Reason));
        Assert.Contains(".Risk(static (in global::Loans.Desk.LoanRequest context) => context.Risk)",
            Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    private static void AssertSourceOutputCached(GeneratorRunResult result)
    {
        var steps = result.TrackedOutputSteps.SelectMany(step => step.Value).SelectMany(step => step.Outputs).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string source)
    {
        var tree = compilation.SyntaxTrees[index];
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, tree.FilePath));
    }
}
