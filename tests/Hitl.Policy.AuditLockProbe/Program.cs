using Hitl.Policy.Audit;

// probe open PATH: tries to open a store on PATH; prints "opened" (exit 0) or "refused: ..." (exit 3).
// probe hold PATH: opens it, prints "holding", and keeps it open until standard input closes or sends a line.
if (args.Length != 2 || args[0] is not ("open" or "hold"))
{
    Console.Error.WriteLine("usage: probe open|hold PATH");
    return 2;
}

try
{
    await using var store = JsonLinesAuditStore.Open(args[1]);
    if (args[0] == "hold")
    {
        Console.WriteLine("holding");
        Console.Out.Flush();
        _ = Console.In.ReadLine();
    }
    else
    {
        Console.WriteLine("opened");
    }

    return 0;
}
catch (AuditStoreException ex)
{
    Console.WriteLine("refused: " + ex.Message);
    return 3;
}
