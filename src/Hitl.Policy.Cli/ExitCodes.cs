namespace Hitl.Policy.Cli;

/// <summary>What the <c>hitl</c> process returns, so scripts and CI can tell a failed check from a bad call.</summary>
internal static class ExitCodes
{
    /// <summary>Everything checked out: the policy is valid, every line routed, every test passed.</summary>
    public const int Ok = 0;

    /// <summary>The check ran and found problems: policy errors, a case line that could not be routed, a failing test.</summary>
    public const int Failed = 1;

    /// <summary>The command could not run: unknown option, missing file, unreadable input, a policy that does not compile.</summary>
    public const int Usage = 2;

    /// <summary>The tool itself failed: an unexpected exception (a bug, or the machine ran out of memory). Never 1, which says a check failed.</summary>
    public const int InternalError = 3;
}
