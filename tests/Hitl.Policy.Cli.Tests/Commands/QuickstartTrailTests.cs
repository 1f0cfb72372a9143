using Hitl.Policy.Quickstart;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>`hitl audit verify` on the trail the quickstart (the README's main job) writes.</summary>
[Collection(ConsoleWriters.Name)]
public class QuickstartTrailTests
{
    [Fact]
    public async Task The_quickstart_trail_verifies_and_one_changed_byte_is_named()
    {
        using var folder = new TempFolder();
        using var summary = new StringWriter();
        var exit = await QuickstartApp.RunAsync(["--out", folder.Path, "--count", "300", "--seed", "11"], summary);
        Assert.True(exit == 0, summary.ToString());
        var trail = Path.Combine(folder.Path, "audit.jsonl");

        var intact = Cli.Run("audit", "verify", trail);
        Assert.True(intact.Exit == ExitCodes.Ok, intact.ToString());
        Assert.Contains("intact", intact.Out, StringComparison.Ordinal);

        var lines = File.ReadAllLines(trail);
        var target = lines.Length / 2;
        var bytes = File.ReadAllBytes(trail);
        var offset = lines.Take(target - 1).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1) + lines[target - 1].IndexOf("\"caseId\":\"", StringComparison.Ordinal) + 11;
        bytes[offset] = bytes[offset] == (byte)'x' ? (byte)'y' : (byte)'x';
        File.WriteAllBytes(trail, bytes);

        var broken = Cli.Run("audit", "verify", trail);
        Assert.Equal(ExitCodes.Failed, broken.Exit);
        Assert.StartsWith($"{trail}: BROKEN at record {target}, line {target}:", broken.Out, StringComparison.Ordinal);
    }
}
