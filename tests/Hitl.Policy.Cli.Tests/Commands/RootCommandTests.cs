namespace Hitl.Policy.Cli.Tests.Commands;

public class RootCommandTests
{
    [Fact]
    public void Help_lists_every_command_with_its_purpose()
    {
        var result = Cli.Run("--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("hitl [command] [options]", result.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "validate <POLICY.json>", "route", "explain", "test <POLICY.json> <TESTS.json>", "audit", "calibrate", "shadow" })
        {
            Assert.Contains(command, result.Out, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes:", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("A case is one JSON object", result.Out, StringComparison.Ordinal);
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData("validate", "Check a policy file")]
    [InlineData("route", "--cases <CASES.jsonl> (REQUIRED)")]
    [InlineData("explain", "--case <JSON|@FILE|-> (REQUIRED)")]
    [InlineData("route", "A case is one JSON object")]
    [InlineData("route", "Exit codes: 0 every case line was routed; 1 at least one line could not be read")]
    [InlineData("explain", "reversibility is reversible, costly-to-reverse or irreversible")]
    [InlineData("test", "a route is required, the others are checked only when given")]
    public void Each_command_has_help(string command, string expected)
    {
        var result = Cli.Run(command, "--help");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Contains("hitl " + command, result.Out, StringComparison.Ordinal);
        Assert.Contains(expected, result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_without_a_subcommand_names_verify_and_stats_in_its_help()
    {
        var result = Cli.Run("audit");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("Run 'hitl audit --help' for usage.", result.Error, StringComparison.Ordinal);
        var help = Cli.Run("audit", "--help");
        Assert.Contains("verify <AUDIT.jsonl|STORE.db>", help.Out, StringComparison.Ordinal);
        Assert.Contains("stats <AUDIT.jsonl|STORE.db>", help.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_command_it_shows_help_and_fails()
    {
        var result = Cli.Run();

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("Commands:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_is_named_with_a_pointer_to_help()
    {
        var result = Cli.Run("lint", "policy.json");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: Unrecognized command or argument 'lint'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'hitl --help' for usage.", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void An_unknown_option_is_named_with_the_commands_help()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", "x.jsonl", "--verbose");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("error: Unrecognized command or argument '--verbose'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'hitl route --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_option_is_named()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations);

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("Option '--cases' is required.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_format_that_does_not_exist_lists_the_ones_that_do()
    {
        var result = Cli.Run("route", "--policy", Cli.Operations, "--cases", "x.jsonl", "--format", "csv");

        Assert.Equal(ExitCodes.Usage, result.Exit);
        Assert.Contains("'csv'", result.Error, StringComparison.Ordinal);
        Assert.Contains("'table'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_and_succeeds()
    {
        var result = Cli.Run("--version");

        Assert.Equal(ExitCodes.Ok, result.Exit);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Out);
    }
}
