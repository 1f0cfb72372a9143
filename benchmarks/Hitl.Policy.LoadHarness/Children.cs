using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// The worker processes the coordinator started. <see cref="KillAll"/> ends every one still running (with its own
/// children); it is called when a run ends, when the coordinator is interrupted, and on the way out, so none is left
/// behind. (A worker whose coordinator is killed outright sees its stdin close and exits by itself.)
/// </summary>
internal sealed class Children : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Process> _processes = [];

    public WorkerProcess Start(int instance, IEnumerable<string> workerArguments, string connection)
    {
        var (executable, prefix) = Self();
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in prefix.Append("worker").Concat(workerArguments))
        {
            start.ArgumentList.Add(argument);
        }

        // The connection string (it may hold a password) goes by the environment, not the command line others can read.
        start.Environment[Protocol.ConnectionVariable] = connection;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(instance, process);
        lock (_gate)
        {
            _processes.Add(process);
            process.Start();
        }

        worker.BeginReading();
        return worker;
    }

    /// <summary>Kills every worker still running; never throws.</summary>
    public void KillAll()
    {
        Process[] processes;
        lock (_gate)
        {
            processes = [.. _processes];
        }

        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
            {
                // Exited meanwhile, or never started.
            }
        }
    }

    public void Dispose()
    {
        KillAll();
        lock (_gate)
        {
            foreach (var process in _processes)
            {
                process.Dispose();
            }

            _processes.Clear();
        }
    }

    /// <summary>How to start this program again: its apphost, or <c>dotnet</c> with its assembly when run that way.</summary>
    private static (string Executable, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown, so its workers cannot be started.");
        var name = Path.GetFileNameWithoutExtension(path);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
            ? (path, [typeof(Children).Assembly.Location])
            : (path, []);
    }
}

/// <summary>One worker process: its lines on stdout (ready, then the result), stderr passed on with its instance number.</summary>
internal sealed class WorkerProcess(int instance, Process process)
{
    private const int KeptErrorLines = 20;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastErrors = new();

    public int Instance { get; } = instance;

    public Process Process { get; } = process;

    public Task Ready => _ready.Task;

    public Task<WorkerResult> Result => _result.Task;

    public void BeginReading()
    {
        Process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        Process.ErrorDataReceived += (_, e) => OnError(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>Sends a line to the worker's stdin.</summary>
    public void Send(string line)
    {
        Process.StandardInput.Write(line + "\n");
        Process.StandardInput.Flush();
    }

    /// <summary>What went wrong with the worker: how it ended and the last lines it wrote to stderr.</summary>
    public string Describe(string what)
    {
        string exit;
        try
        {
            exit = Process.HasExited ? "exited with code " + Process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "is still running";
        }
        catch (InvalidOperationException)
        {
            exit = "did not start";
        }

        string[] lines;
        lock (_lastErrors)
        {
            lines = [.. _lastErrors];
        }

        return $"Worker {Instance} {what}; it {exit}." + (lines.Length > 0 ? " Its last lines on stderr:\n  " + string.Join("\n  ", lines) : "");
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            if (!_result.Task.IsCompleted)
            {
                _ = FailAsync();
            }

            return;
        }

        if (string.Equals(line, Protocol.Ready, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith(Protocol.ResultPrefix, StringComparison.Ordinal))
        {
            try
            {
                var result = System.Text.Json.JsonSerializer.Deserialize(line.AsSpan(Protocol.ResultPrefix.Length), HarnessJson.Default.WorkerResult);
                _ = result is null ? _result.TrySetException(new FormatException($"Worker {Instance} reported null.")) : _result.TrySetResult(result);
            }
            catch (System.Text.Json.JsonException ex)
            {
                _result.TrySetException(new FormatException($"Worker {Instance} reported a result that is not one: {ex.Message}", ex));
            }
        }
        else
        {
            OnError(line);
        }
    }

    /// <summary>Stdout closed before the result: the worker ended (or is ending); say how, once it has.</summary>
    private async Task FailAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await Process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Described as still running.
        }

        var problem = new InvalidOperationException(Describe("closed its stdout before it reported"));
        _ready.TrySetException(problem);
        _result.TrySetException(problem);
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastErrors)
        {
            _lastErrors.Enqueue(line);
            while (_lastErrors.Count > KeptErrorLines)
            {
                _lastErrors.Dequeue();
            }
        }

        Console.Error.WriteLine($"[worker {Instance}] {line}");
    }
}
