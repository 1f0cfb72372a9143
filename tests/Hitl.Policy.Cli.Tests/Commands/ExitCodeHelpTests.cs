using System.CommandLine;
using Hitl.Policy.Cli.Commands;

namespace Hitl.Policy.Cli.Tests.Commands;

/// <summary>
/// Issue 15 item 6.5: every command's help states its exit codes, in one form: 0, then 1 (or "never 1"), 2 and 3, in the
/// meanings of <see cref="ExitCodes"/>.
/// </summary>
public class ExitCodeHelpTests
{
    /// <summary>Every command that runs something (not a group such as 'audit'), as typed after 'hitl'.</summary>
    internal static List<string> Commands()
    {
        var io = new CommandIo(TextWriter.Null, TextWriter.Null, TextReader.Null);
        var names = new List<string>();
        void Walk(Command command, string prefix)
        {
            foreach (var sub in command.Subcommands)
            {
                var name = prefix.Length == 0 ? sub.Name : prefix + " " + sub.Name;
                if (sub.Subcommands.Count == 0)
                {
                    names.Add(name);
                }
                else
                {
                    Walk(sub, name);
                }
            }
        }

        Walk(HitlApp.Build(io), "");
        return names;
    }

    public static TheoryData<string> EveryCommand => [.. Commands()];

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void Every_commands_help_ends_with_its_exit_codes(string command)
    {
        Assert.True(HelpText.Exits.TryGetValue(command, out var line), $"HelpText.Exits has no line for '{command}'.");

        var result = Cli.Run([.. command.Split(' '), "--help"]);

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.EndsWith(HelpText.Wrap(line).ReplaceLineEndings("\n"), result.Out.ReplaceLineEndings("\n").TrimEnd(), StringComparison.Ordinal);
        Assert.Matches(@"^Exit codes: 0 [^;]+; (1 |never 1)[^;]*(;[^;]*)*; 2 the command could not run \(.+\); 3 the tool itself failed \(an unexpected error; not a verdict on the input\)\.$", line);
    }

    [Fact]
    public void Explain_says_it_never_returns_1_and_when_it_returns_2()
    {
        var help = Cli.Run("explain", "--help").Out.ReplaceLineEndings(" ");

        Assert.Contains("Exit codes: 0 the case was explained; never 1 (explain reports, it checks nothing); 2 the command could not run", help, StringComparison.Ordinal);
        Assert.Contains("a case that cannot be read", help, StringComparison.Ordinal);
    }

    [Fact]
    public void The_numbers_are_those_of_ExitCodes()
    {
        Assert.Equal((0, 1, 2, 3), (ExitCodes.Ok, ExitCodes.Failed, ExitCodes.Usage, ExitCodes.InternalError));
        Assert.Contains("; 3 the tool itself failed", HelpText.ExitCodes, StringComparison.Ordinal);
    }
}
