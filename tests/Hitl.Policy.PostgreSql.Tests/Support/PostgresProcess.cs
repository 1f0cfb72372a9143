using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>What a finished program printed and returned.</summary>
internal sealed record PostgresProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public string Output =>
        (StandardOutput.Trim(), StandardError.Trim()) switch
        {
            ("", "") => "(no output)",
            (var stdout, "") => stdout,
            ("", var stderr) => stderr,
            (var stdout, var stderr) => stdout + Environment.NewLine + stderr,
        };
}

/// <summary>Runs initdb, pg_ctl and friends: no shell, arguments one by one, output captured.</summary>
internal static class PostgresProcess
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/>, as <paramref name="runAs"/> through
    /// <c>runuser -u</c> when that is set, and waits for it (killing it after <paramref name="timeout"/>).
    /// </summary>
    public static async Task<PostgresProcessResult> RunAsync(
        string file,
        IReadOnlyList<string> arguments,
        string? runAs,
        string? workingDirectory,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (runAs is null)
        {
            start.FileName = file;
        }
        else
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(file);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // PGDATA, PGPORT, PGHOST... of the machine must not steer a throwaway cluster.
        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var command = Describe(start);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run `{command}`: {e.Message}", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException($"`{command}` did not finish within {timeout.TotalSeconds:0} s; it was killed.");
            }
        }

        // The server pg_ctl starts writes to its log, not to our pipes, so both close when the program exits;
        // a grace period keeps a stray child that kept them from hanging the tests.
        var grace = TimeSpan.FromSeconds(10);
        var output = await ReadOrEmptyAsync(stdout, grace);
        var error = await ReadOrEmptyAsync(stderr, grace);
        return new PostgresProcessResult(command, process.ExitCode, output, error);
    }

    private static async Task<string> ReadOrEmptyAsync(Task<string> read, TimeSpan grace)
    {
        try
        {
            return await read.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            return "(output not closed within " + grace.TotalSeconds + " s)";
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (Win32Exception)
        {
            // Not ours to kill any more.
        }
    }

    private static string Describe(ProcessStartInfo start)
    {
        var text = new StringBuilder(Quote(start.FileName));
        foreach (var argument in start.ArgumentList)
        {
            text.Append(' ').Append(Quote(argument));
        }

        return text.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
