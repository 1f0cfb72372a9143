using System.Text.Json;
using Hitl.Policy.Quickstart;

namespace Hitl.Policy.Quickstart.Tests;

/// <summary>One run of the quickstart, in-process, into its own temporary folder: exit code, summary text and trail.</summary>
public sealed class QuickstartRun : IDisposable
{
    private QuickstartRun(string folder, int exitCode, string output)
    {
        Folder = folder;
        ExitCode = exitCode;
        Output = output;
    }

    public string Folder { get; }

    public int ExitCode { get; }

    public string Output { get; }

    public string TrailPath => Path.Combine(Folder, QuickstartApp.TrailFileName);

    public string DatabasePath => Path.Combine(Folder, QuickstartApp.DatabaseFileName);

    public static async Task<QuickstartRun> StartAsync(int count, int seed, string? folder = null, string[]? extra = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "hitl-quickstart-" + Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        var exit = await QuickstartApp.RunAsync(["--out", folder, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra ?? []], output);
        return new QuickstartRun(folder, exit, output.ToString());
    }

    /// <summary>The trail's entries, parsed here with plain JSON (independently of the library's reader).</summary>
    public IReadOnlyList<JsonElement> Entries() =>
        [.. File.ReadLines(TrailPath).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("entry").Clone())];

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>The run most tests share: 600 outputs, the default seed.</summary>
public sealed class SharedRun : IAsyncLifetime
{
    public const int Count = 600;

    public QuickstartRun Run { get; private set; } = null!;

    public async Task InitializeAsync() => Run = await QuickstartRun.StartAsync(Count, seed: 2026);

    public Task DisposeAsync()
    {
        Run.Dispose();
        return Task.CompletedTask;
    }
}
