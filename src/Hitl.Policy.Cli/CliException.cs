namespace Hitl.Policy.Cli;

/// <summary>
/// A command cannot go on: a missing file, unreadable JSON, a policy that does not compile. The message is what the
/// user reads, so it names the file, the line and the value.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Usage, IReadOnlyList<string>? details = null)
        : base(message)
    {
        ExitCode = exitCode;
        Details = details ?? [];
    }

    public CliException()
        : this("The command failed.")
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Usage;
        Details = [];
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Further lines to print under the message, one problem each.</summary>
    public IReadOnlyList<string> Details { get; }
}
