namespace Hitl.Policy.Cli;

/// <summary>Where a command reads and writes; the console in the tool, string buffers in tests.</summary>
/// <param name="Out">Results: decisions, traces, test reports, help.</param>
/// <param name="Error">Errors and summaries that must not mix with machine-readable results.</param>
/// <param name="In">Standard input, for <c>--cases -</c>.</param>
internal sealed record CommandIo(TextWriter Out, TextWriter Error, TextReader In)
{
    /// <summary>The longest input line (a case, a case file given with --case @FILE), in characters: 4 MiB.</summary>
    public const int DefaultMaxLineLength = 4 * 1024 * 1024;

    /// <summary>The longest input line read; a longer one stops the command with an error naming the file and line. Tests make it small.</summary>
    public int MaxLineLength { get; init; } = DefaultMaxLineLength;

    /// <summary>The clock that "time left" is measured against: the system clock in the tool, a fixed one in tests.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Whether an internal error is printed with its details (the exception's type and stack trace) for a bug report:
    /// set by the environment variable <c>HITL_DEBUG=1</c>. Off, messages never show the tool's internals.
    /// </summary>
    public bool ShowInternals { get; init; }

    /// <summary>The process's console streams.</summary>
    public static CommandIo Console => new(System.Console.Out, System.Console.Error, System.Console.In)
    {
        ShowInternals = Environment.GetEnvironmentVariable("HITL_DEBUG") is "1" or "true",
    };
}
