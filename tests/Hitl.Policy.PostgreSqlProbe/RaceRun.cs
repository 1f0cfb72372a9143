using System.Globalization;
using Hitl.Policy.Review;

/// <summary>
/// The race: cases opened once (<see cref="OpenAsync"/>), then several processes approve every one of them at the same
/// moment, without claiming (<see cref="RaceAsync"/>). Each case must be approved once; every other act is refused.
/// </summary>
internal static class RaceRun
{
    private static readonly Lock Output = new();

    public static string[] CaseIds(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}"))];

    /// <summary>
    /// Opens the cases (each goes to an agent's review) and prints <c>opened ID DISPOSITION</c> for each; and one case
    /// more for each racer to warm up on (<see cref="WarmUpCase"/>), so that the race starts with every act's code ready.
    /// </summary>
    public static async Task<int> OpenAsync(string connectionString, string schema, string prefix, int count)
    {
        await using var store = ProbeGate.OpenStore(connectionString, schema);
        using var log = new GateLog();
        using var gate = ProbeGate.Gate(store, TimeSpan.FromMilliseconds(250), log);
        foreach (var id in CaseIds(prefix, count).Concat(Enumerable.Range(0, ProbeGate.MaxInstances).Select(WarmUpCase)))
        {
            var result = await gate.SubmitAsync(ProbeGate.ReviewRequest(id));
            Say($"opened {id} {result.Disposition}");
        }

        return 0;
    }

    /// <summary>
    /// Prints <c>ready</c> once its gate is up, waits for <c>go</c> on standard input, then approves every case as the
    /// instance's first agent, several at a time, in the same order as the other processes: <c>approved ID REVIEWER</c>
    /// for an act that returned, <c>refused ID CODE REVIEWER</c> for one that was refused.
    /// </summary>
    public static async Task<int> RaceAsync(string connectionString, string schema, int instance, string prefix, int count)
    {
        await using var store = ProbeGate.OpenStore(connectionString, schema);
        using var log = new GateLog();
        using var gate = ProbeGate.Gate(store, TimeSpan.FromMilliseconds(250), log);
        await gate.Recovery;
        var ids = CaseIds(prefix, count);
        var reviewer = ProbeGate.ReviewersOf(instance)[0];
        await gate.ApproveAsync(new HumanAct(WarmUpCase(instance), reviewer, "warm-up")); // the whole act once, before the start
        Say("ready");
        if (await Console.In.ReadLineAsync() != "go")
        {
            await Console.Error.WriteLineAsync("The race was not started (no 'go' on standard input).");
            return 3;
        }

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, token) =>
        {
            try
            {
                var view = await gate.ApproveAsync(new HumanAct(id, reviewer, "refund-ok"), token);
                Say($"approved {id} {reviewer} {view.State}");
            }
            catch (ReviewException ex)
            {
                Say($"refused {id} {ex.Code} {reviewer}");
            }
        });
        foreach (var problem in log.Problems)
        {
            Say("problem " + problem);
        }

        Say(string.Create(CultureInfo.InvariantCulture, $"conflicts-retried {log.Conflicts}"));
        Say("done");
        return 0;
    }

    /// <summary>The case a racer approves alone before the race.</summary>
    public static string WarmUpCase(int instance) => string.Create(CultureInfo.InvariantCulture, $"warm-up-{instance}");

    private static void Say(string line)
    {
        lock (Output)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
