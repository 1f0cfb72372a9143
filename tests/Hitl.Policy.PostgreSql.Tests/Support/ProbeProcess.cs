using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>
/// A gate instance in a process of its own: Hitl.Policy.PostgreSqlProbe, built with the tests. Its standard output and
/// error are collected as they come (a full pipe never stalls it); disposing it kills it if it still runs, so a failed
/// test leaves no probe behind.
/// </summary>
internal sealed class ProbeProcess : IAsyncDisposable
{
    /// <summary>The environment variable the probe reads its connection string from.</summary>
    public const string ConnectionVariable = "HITL_PROBE_CONNECTION";

    private readonly Process process;
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly StringBuilder errors = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> waiters = [];

    private ProbeProcess(string name, Process process)
    {
        Name = name;
        this.process = process;
    }

    public static string PathToDll { get; } = typeof(ProbeProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PostgreSqlProbe").Value!;

    /// <summary>What the test calls the process (for messages).</summary>
    public string Name { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The lines of standard output so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>Standard error so far.</summary>
    public string Errors
    {
        get
        {
            lock (gate)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>Starts the probe with the connection string in its environment and the arguments after it.</summary>
    public static ProbeProcess Start(string name, string connectionString, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(PathToDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[ConnectionVariable] = connectionString;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var probe = new ProbeProcess(name, process);
        process.OutputDataReceived += (_, e) => probe.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (probe.gate)
                {
                    probe.errors.AppendLine(e.Data);
                }
            }
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"The probe {name} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return probe;
    }

    /// <summary>Waits for a line of standard output that matches (one seen already counts).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            waiters.Add((match, seen));
        }

        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(seen.Task, exited, Task.Delay(timeout)) != seen.Task)
        {
            throw new TimeoutException($"The probe {Name} {(process.HasExited ? "exited" : "printed nothing that matched")} within {timeout}. {Describe()}");
        }

        return await seen.Task;
    }

    /// <summary>Writes a line to the probe's standard input.</summary>
    public async Task SendLineAsync(string line)
    {
        await process.StandardInput.WriteLineAsync(line);
        await process.StandardInput.FlushAsync();
    }

    /// <summary>SIGKILL, to the probe and anything it started: no shutdown, no flush, no dispose.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>Waits for the probe to exit (and for its output to be read); kills it and throws when it takes longer.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            var state = Describe();
            Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"The probe {Name} did not finish within {timeout}; it was killed. {state}");
        }

        return process.ExitCode;
    }

    /// <summary>The process's last lines and its errors, for a failure message.</summary>
    public string Describe()
    {
        var output = Lines;
        return $"Last output of {Name}: [{string.Join(" | ", output.Skip(Math.Max(0, output.Count - 10)))}]; standard error: [{Errors.Trim()}]";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                Kill();
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or gone already.
        }

        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<TaskCompletionSource<string>> matched = [];
        lock (gate)
        {
            lines.Add(line);
            for (var i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Match(line))
                {
                    matched.Add(waiters[i].Seen);
                    waiters.RemoveAt(i);
                }
            }
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(line);
        }
    }
}
