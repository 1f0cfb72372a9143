using Hitl.Policy.Audit;

namespace Hitl.Policy.Quickstart.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'")]
    [InlineData("--count abc", "Option '--count' takes a whole number from 1 to 1000000; got 'abc'")]
    [InlineData("--count 0", "got '0'")]
    [InlineData("--out", "Option '--out' needs a value")]
    [InlineData("--store postgres", "Option '--store' takes sqlite or jsonl; got 'postgres'")]
    public async Task A_bad_command_line_exits_2_and_names_the_option(string args, string message)
    {
        using var output = new StringWriter();

        var exit = await QuickstartApp.RunAsync(args.Split(' '), output);

        Assert.Equal(2, exit);
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage()
    {
        using var output = new StringWriter();

        Assert.Equal(0, await QuickstartApp.RunAsync(["--help"], output));
        Assert.Contains("--out DIR", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_trail_is_kept_and_the_run_starts_a_fresh_one()
    {
        var folder = Path.Combine(Path.GetTempPath(), "hitl-quickstart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var trail = Path.Combine(folder, QuickstartApp.TrailFileName);
        await File.WriteAllTextAsync(trail, "an older trail\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "audit.1.jsonl"), "an even older trail\n");

        using var run = await QuickstartRun.StartAsync(count: 40, seed: 1, folder);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("an older trail\n", await File.ReadAllTextAsync(Path.Combine(folder, "audit.2.jsonl")));
        Assert.Equal("an even older trail\n", await File.ReadAllTextAsync(Path.Combine(folder, "audit.1.jsonl")));
        Assert.Contains("kept as " + Path.Combine(folder, "audit.2.jsonl"), run.Output, StringComparison.Ordinal);
        var verification = JsonLinesAuditStore.VerifyFile(trail);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.StartsWith("{\"sequence\":1,", File.ReadLines(trail).First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_lines_store_runs_without_a_database_and_without_a_restart()
    {
        using var run = await QuickstartRun.StartAsync(count: 60, seed: 3, extra: ["--store", "jsonl"]);

        Assert.Equal(0, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(run.Folder, QuickstartApp.DatabaseFileName)));
        Assert.True(JsonLinesAuditStore.VerifyFile(run.TrailPath).IsIntact);
        Assert.DoesNotContain(run.Output.Split('\n'), l => l.TrimEnd('\r') == "Restart");
        Assert.Contains("cases in memory, so there is no restart in this run", run.Output, StringComparison.Ordinal);
    }
}
