using System.Diagnostics;
using System.Reflection;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Tests.Audit;

/// <summary>
/// The single-writer lock is on the data file itself: every way of reaching the same file with a second writer is
/// refused (issue 10, item 8: a symlink, a hard link and a deleted <c>.lock</c> file each let a second writer in).
/// </summary>
public sealed class SingleWriterLockTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Trail => _dir.File("audit.jsonl");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_same_path_is_refused()
    {
        await using var first = await OpenWithOneRecordAsync();
        AssertRefused(() => JsonLinesAuditStore.Open(Trail));
    }

    [Fact]
    public async Task A_symbolic_link_to_the_trail_is_refused()
    {
        await using var first = await OpenWithOneRecordAsync();
        var link = _dir.File("link.jsonl");
        File.CreateSymbolicLink(link, Trail);
        AssertRefused(() => JsonLinesAuditStore.Open(link));
    }

    [Fact]
    public async Task A_hard_link_to_the_trail_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // ln is the Unix tool; Windows refuses through the file's sharing mode, which hard links share.
        }

        await using var first = await OpenWithOneRecordAsync();
        var link = _dir.File("hard.jsonl");
        Run("ln", Trail, link).WaitForExit();
        Assert.True(File.Exists(link));
        AssertRefused(() => JsonLinesAuditStore.Open(link));
    }

    [Fact]
    public async Task Deleting_a_lock_file_beside_the_trail_lets_no_second_writer_in()
    {
        await using var first = await OpenWithOneRecordAsync();
        File.Delete(Trail + ".lock");
        Assert.False(File.Exists(Trail + ".lock"), "the lock is not a file beside the trail");
        AssertRefused(() => JsonLinesAuditStore.Open(Trail));
    }

    [Fact]
    public async Task A_relative_path_to_the_trail_is_refused()
    {
        await using var first = await OpenWithOneRecordAsync();
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, Trail);
        Assert.False(Path.IsPathRooted(relative));
        AssertRefused(() => JsonLinesAuditStore.Open(relative));
        var dotted = Path.Combine(_dir.Path, ".", "..", Path.GetFileName(_dir.Path), "audit.jsonl");
        AssertRefused(() => JsonLinesAuditStore.Open(dotted));
    }

    [Fact]
    public async Task A_second_process_is_refused_while_a_store_holds_the_trail()
    {
        await using (var first = await OpenWithOneRecordAsync())
        {
            var (exit, output) = await ProbeAsync("open", Trail);
            Assert.True(exit == 3, $"the second process opened the trail: exit {exit}, {output}");
            Assert.Contains("Could not take the lock of the audit trail", output, StringComparison.Ordinal);

            // And the OS-level check is not a name: the second process tries through a link.
            var link = _dir.File("link.jsonl");
            File.CreateSymbolicLink(link, Trail);
            (exit, output) = await ProbeAsync("open", link);
            Assert.True(exit == 3, $"the second process opened the trail through a link: exit {exit}, {output}");
        }

        var (after, text) = await ProbeAsync("open", Trail);
        Assert.True(after == 0, $"once closed the trail opens in another process: exit {after}, {text}");
    }

    [Fact]
    public async Task A_store_is_refused_while_another_process_holds_the_trail_and_readers_still_read()
    {
        using var child = Run("dotnet", ProbePath, "hold", Trail);
        var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("holding", line);
        try
        {
            AssertRefused(() => JsonLinesAuditStore.Open(Trail));

            // Readers take no part in the lock.
            Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);
        }
        finally
        {
            await child.StandardInput.WriteLineAsync();
            child.StandardInput.Close();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var store = JsonLinesAuditStore.Open(Trail);
        Assert.Equal(0, store.LastSequence);
    }

    [Fact]
    public async Task A_reader_in_the_same_process_does_not_release_the_writers_lock()
    {
        await using var first = await OpenWithOneRecordAsync();

        // POSIX record locks drop when any descriptor of the file closes; the store's lock must not.
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);
        Assert.True((await first.VerifyAsync()).IsIntact);
        await foreach (var _ in first.ReadAsync())
        {
        }

        var (exit, output) = await ProbeAsync("open", Trail);
        Assert.True(exit == 3, $"the lock was lost when a reader closed: exit {exit}, {output}");
    }

    private async Task<JsonLinesAuditStore> OpenWithOneRecordAsync()
    {
        var store = JsonLinesAuditStore.Open(Trail);
        await store.AppendAsync(AuditSamples.Simple("c"));
        return store;
    }

    private void AssertRefused(Func<JsonLinesAuditStore> open)
    {
        var ex = Assert.Throws<AuditStoreException>(() => open().Dispose());
        Assert.Contains("Could not take the lock of the audit trail", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is it open in another store or process?", ex.Message, StringComparison.Ordinal);
        Assert.True(JsonLinesAuditStore.VerifyFile(Trail).IsIntact);
    }

    private static string ProbePath { get; } = typeof(SingleWriterLockTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AuditLockProbe").Value!;

    private static async Task<(int Exit, string Output)> ProbeAsync(string mode, string path)
    {
        using var process = Run("dotnet", ProbePath, mode, path);
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, output + error);
    }

    private static Process Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
