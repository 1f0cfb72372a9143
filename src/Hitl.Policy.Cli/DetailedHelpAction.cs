using System.CommandLine;
using System.CommandLine.Invocation;

namespace Hitl.Policy.Cli;

/// <summary>
/// The standard help, followed by the details of the command asked about (its input format, its exit codes): the details
/// under "parent name" (<c>cases export</c>) when there are, else under the command's name.
/// </summary>
internal sealed class DetailedHelpAction : SynchronousCommandLineAction
{
    private readonly SynchronousCommandLineAction _standard;
    private readonly IReadOnlyDictionary<string, string> _details;

    public DetailedHelpAction(SynchronousCommandLineAction standard, IReadOnlyDictionary<string, string> details)
    {
        _standard = standard;
        _details = details;
    }

    /// <summary>Help is asked for even when the rest of the command line is incomplete.</summary>
    public override bool ClearsParseErrors => _standard.ClearsParseErrors;

    public override int Invoke(ParseResult parseResult)
    {
        var result = _standard.Invoke(parseResult);
        var command = parseResult.CommandResult.Command;
        var parent = parseResult.CommandResult.Parent is System.CommandLine.Parsing.CommandResult { Command: not RootCommand } p ? p.Command.Name + " " : "";
        if (_details.TryGetValue(parent + command.Name, out var text)
            || _details.TryGetValue(command is RootCommand ? "hitl" : command.Name, out text))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(text.TrimEnd());
            output.WriteLine();
        }

        return result;
    }
}
