namespace Hitl.Policy.Cli;

/// <summary>Where a command reads and writes; the console in the tool, string buffers in tests.</summary>
/// <param name="Out">Results: decisions, traces, test reports, help.</param>
/// <param name="Error">Errors and summaries that must not mix with machine-readable results.</param>
/// <param name="In">Standard input, for <c>--cases -</c>.</param>
internal sealed record CommandIo(TextWriter Out, TextWriter Error, TextReader In)
{
    /// <summary>The process's console streams.</summary>
    public static CommandIo Console => new(System.Console.Out, System.Console.Error, System.Console.In);
}
