using System.Diagnostics;
using System.Reflection;

namespace Hitl.Policy.Tests.Benchmarks;

/// <summary>
/// The timing harness that gives the JIT against Native AOT comparison (benchmarks/Hitl.Policy.AotHarness) runs: its
/// quick mode under the JIT checks every Route() against its baseline and prints the table.
/// </summary>
public class AotHarnessTests
{
    private static string HarnessPath { get; } = typeof(AotHarnessTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AotHarness").Value!;

    [Fact]
    public async Task Quick_run_under_the_jit_prints_every_measurement()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HarnessPath);
        start.ArgumentList.Add("--quick");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        var text = await output + await error;

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {text}");
        Assert.Contains("Runtime mode: JIT (RuntimeFeature.IsDynamicCodeSupported = True)", text, StringComparison.Ordinal);
        var rows = text.Split('\n').Where(l => l.StartsWith("| headline |", StringComparison.Ordinal) || l.StartsWith("| route-only |", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, rows.Count);
        Assert.Equal(2, rows.Count(r => r.Contains("| Route() written router |", StringComparison.Ordinal) && r.Contains("| 0 B |", StringComparison.Ordinal)));
        Assert.Equal(2, rows.Count(r => r.Contains("| 1.00x |", StringComparison.Ordinal) && (r.Contains("hand-written", StringComparison.Ordinal) || r.Contains("if chain", StringComparison.Ordinal))));
        Assert.Contains("sink: ", text, StringComparison.Ordinal);
    }
}
