using Hitl.Policy.LoadHarness;

// The load harness: "coordinator" (the default) runs worker processes of this same executable ("worker" verb).
try
{
    if (args.Length > 0 && args[0] == "worker")
    {
        return await Worker.RunAsync(args[1..]).ConfigureAwait(false);
    }

    if (args.Length > 0 && args[0] == "kill-switch")
    {
        return await KillSwitchRun.RunAsync(args[1..]).ConfigureAwait(false);
    }

    if (args.Length > 0 && args[0] is "--help" or "-h" or "help")
    {
        await Console.Out.WriteLineAsync(Coordinator.Usage).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(KillSwitchRun.Usage).ConfigureAwait(false);
        return 0;
    }

    return await Coordinator.RunAsync(args[0..]).ConfigureAwait(false);
}
catch (UsageException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    await Console.Error.WriteLineAsync(Coordinator.Usage).ConfigureAwait(false);
    return 2;
}
#pragma warning disable CA1031 // The last resort of a console program: say what failed, exit 1.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync((args.Length > 0 && args[0] == "worker" ? "worker: " : "") + ex).ConfigureAwait(false);
    return 1;
}
