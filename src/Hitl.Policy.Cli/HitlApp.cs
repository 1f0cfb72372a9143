using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Hitl.Policy.Cli.Commands;
using Hitl.Policy.Cli.Output;

namespace Hitl.Policy.Cli;

/// <summary>The <c>hitl</c> command tree and how it runs: parse, report usage errors plainly, run one command.</summary>
internal static class HitlApp
{
    /// <summary>Builds the command tree. Each command writes to <paramref name="io"/>.</summary>
    public static RootCommand Build(CommandIo io)
    {
        var root = new RootCommand(
            "Check, try and test Hitl.Policy files: which model outputs may act on their own and which must stop for a person.")
        {
            HelpName = "hitl",
        };
        root.Subcommands.Add(ValidateCommand.Create(io));
        root.Subcommands.Add(RouteCommand.Create(io));
        root.Subcommands.Add(ExplainCommand.Create(io));
        root.Subcommands.Add(TestCommand.Create(io));
        root.Subcommands.Add(AuditCommand.Create(io));
        root.Subcommands.Add(CalibrateCommand.Create(io));
        root.Subcommands.Add(ShadowCommand.Create(io));
        root.Subcommands.Add(OversightCommand.Create(io));
        root.Subcommands.Add(CasesCommand.Create(io));
        var n = Environment.NewLine + Environment.NewLine;
        AddDetails(root, new Dictionary<string, string>
        {
            ["hitl"] = HelpText.Wrap(HelpText.ExitCodes) + Environment.NewLine + HelpText.Escaping,
            ["validate"] = HelpText.ExitsOf("validate"),
            ["route"] = HelpText.Case + n + HelpText.ExitsOf("route"),
            ["explain"] = HelpText.Case + n + HelpText.ExitsOf("explain"),
            ["test"] = HelpText.Tests + n + HelpText.ExitsOf("test"),
            ["audit"] = HelpText.AuditTrail,
            ["audit verify"] = HelpText.AuditTrail + n + HelpText.VerifyKeys + n + HelpText.ExitsOf("audit verify"),
            ["audit stats"] = HelpText.AuditTrail + n + HelpText.Stats + n + HelpText.ExitsOf("audit stats"),
            ["audit checkpoint"] = HelpText.ExitsOf("audit checkpoint"),
            ["audit export"] = HelpText.AuditExport + n + HelpText.ExitsOf("audit export"),
            ["audit repair"] = HelpText.AuditRepair + n + HelpText.ExitsOf("audit repair"),
            ["cases"] = HelpText.CaseStore,
            ["cases list"] = HelpText.CaseStore + n + HelpText.CasesList + n + HelpText.ExitsOf("cases list"),
            ["cases show"] = HelpText.CaseStore + n + HelpText.CasesShow + n + HelpText.ExitsOf("cases show"),
            ["cases export"] = HelpText.CaseStore + n + HelpText.CasesExport + n + HelpText.ExitsOf("cases export"),
            ["calibrate"] = HelpText.Calibrate + n + HelpText.ExitsOf("calibrate"),
            ["shadow"] = HelpText.Shadow + n + HelpText.ExitsOf("shadow"),
            ["oversight"] = HelpText.AuditTrail + n + HelpText.Oversight + n + HelpText.ExitsOf("oversight"),
        });
        return root;
    }

    /// <summary>
    /// Ends each command's own help with its details (the case format, exit codes), which would crowd the one-line
    /// descriptions in the root's command list.
    /// </summary>
    private static void AddDetails(RootCommand root, Dictionary<string, string> details)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is SynchronousCommandLineAction standard)
        {
            help.Action = new DetailedHelpAction(standard, details);
        }
    }

    /// <summary>Runs the tool with the given arguments.</summary>
    /// <returns>The exit code: <see cref="ExitCodes"/>.</returns>
    public static int Run(IReadOnlyList<string> args, CommandIo io)
    {
        ArgumentNullException.ThrowIfNull(io);

        // Everything printed goes through the escaping writers: case data never reaches the terminal raw.
        using var output = new TerminalSafeWriter(io.Out);
        using var error = new TerminalSafeWriter(io.Error);
        var safe = io with { Out = output, Error = error };
        try
        {
            return RunCore(args, safe);
        }
        catch (Exception ex)
        {
            return Crashed(safe, ex);
        }
        finally
        {
            output.Flush();
            error.Flush();
        }
    }

    private static int RunCore(IReadOnlyList<string> args, CommandIo io)
    {
        var root = Build(io);
        var invocation = new InvocationConfiguration { Output = io.Out, Error = io.Error, EnableDefaultExceptionHandler = false };
        if (args.Count == 0)
        {
            // Bare 'hitl' is a question about what the tool does: answer with the help, but a script still sees a failure.
            root.Parse(["--help"]).Invoke(invocation);
            return ExitCodes.Usage;
        }

        // '@FILE' means "read this file" to 'explain --case', not a response file of more arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            // The errors and a pointer to help read better than the whole help text after every typo.
            foreach (var error in parse.Errors)
            {
                io.Error.WriteLine("error: " + Cases.JsonMessages.PlainUsage(error.Message));
            }

            io.Error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return ExitCodes.Usage;
        }

        return parse.Invoke(invocation);
    }

    /// <summary>The command as typed: <c>hitl</c>, <c>hitl route</c>, <c>hitl audit verify</c>.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult { Command: not RootCommand } command)
            {
                names.Insert(0, command.Command.Name);
            }
        }

        return string.Join(' ', ["hitl", .. names]);
    }

    /// <summary>Runs a command body, turning a <see cref="CliException"/> into its message and exit code.</summary>
    internal static int Guard(CommandIo io, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliException ex)
        {
            io.Error.WriteLine("error: " + ex.Message);
            foreach (var detail in ex.Details)
            {
                io.Error.WriteLine("  " + detail);
            }

            return ex.ExitCode;
        }
        catch (Exception ex)
        {
            return Crashed(io, ex);
        }
    }

    /// <summary>
    /// An exception no command expected: a bug or an exhausted machine, reported with its own exit code. The details a
    /// developer needs (type, stack) only with <see cref="CommandIo.ShowInternals"/>; a user reads one plain sentence.
    /// </summary>
    private static int Crashed(CommandIo io, Exception ex)
    {
        try
        {
            var what = ex is OutOfMemoryException ? "the machine ran out of memory" : ex.Message.TrimEnd('.');
            io.Error.WriteLine($"internal error: hitl failed unexpectedly: {what}. This is not a verdict on the input; please report it"
                + (io.ShowInternals ? "." : ", with the output of the same command run with HITL_DEBUG=1."));
            if (io.ShowInternals)
            {
                io.Error.WriteLine(ex.ToString());
            }
        }
        catch (Exception)
        {
            // Nothing more can be said; the exit code still tells.
        }

        return ExitCodes.InternalError;
    }
}
