using System.Globalization;

namespace Hitl.Policy.Quickstart;

/// <summary>The command line: <c>[--out DIR] [--count N] [--seed S] [--store sqlite|jsonl]</c>.</summary>
internal sealed record QuickstartOptions(string OutDirectory, int Count, int Seed, bool Help, bool UseSqlite = true)
{
    public const int DefaultCount = 3000;
    public const int DefaultSeed = 2026;

    public const string Usage = """
        Usage: dotnet run -c Release --project samples/Hitl.Policy.Quickstart -- [--out DIR] [--count N] [--seed S] [--store sqlite|jsonl]

          --out DIR    where hitl.db and audit.jsonl are written (default: hitl-data under the current directory;
                       created when missing). Files already there are kept: renamed to hitl.1.db, audit.1.jsonl (or
                       the next free number), and the run starts fresh ones.
          --store S    sqlite (default): cases and trail in hitl.db, the gate restarted in the middle of the run, the
                       trail exported to audit.jsonl at the end; jsonl: the trail in audit.jsonl, cases in memory, no
                       restart.
          --count N    how many model outputs to generate (default 3000; 1 to 1000000)
          --seed S     the random seed; the same seed gives the same trail, byte for byte (default 2026)
          --help       this text
        """;

    public static QuickstartOptions Parse(IReadOnlyList<string> args)
    {
        var outDirectory = Path.Combine(Directory.GetCurrentDirectory(), "hitl-data");
        var count = DefaultCount;
        var seed = DefaultSeed;
        var sqlite = true;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    return new QuickstartOptions(outDirectory, count, seed, Help: true);
                case "--out":
                    outDirectory = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--count":
                    count = Number(args, ref i, min: 1, max: 1_000_000);
                    break;
                case "--seed":
                    seed = Number(args, ref i, min: int.MinValue, max: int.MaxValue);
                    break;
                case "--store":
                    var store = Value(args, ref i);
                    sqlite = store switch
                    {
                        "sqlite" => true,
                        "jsonl" => false,
                        _ => throw new ArgumentException($"Option '--store' takes sqlite or jsonl; got '{store}'."),
                    };
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'. Options: --out DIR, --count N, --seed S, --store sqlite|jsonl, --help.");
            }
        }

        return new QuickstartOptions(outDirectory, count, seed, Help: false, sqlite);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        var option = args[i];
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Option '{option}' needs a value.");
        }

        return args[++i];
    }

    private static int Number(IReadOnlyList<string> args, ref int i, int min, int max)
    {
        var option = args[i];
        var text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"Option '{option}' takes a whole number from {min} to {max}; got '{text}'.");
    }
}
