namespace Hitl.Policy.Cli.Tests;

/// <summary>
/// Tests that write to <see cref="Console.Out"/> or redirect it: run one at a time, so that none writes to a redirected
/// writer another has already disposed.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleWriters
{
    public const string Name = "Console";
}
