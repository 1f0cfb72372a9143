using System.Globalization;
using Hitl.Policy;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

/// <summary>The gate side of the probe: a real review gate on a SQLite file, killed by the tests at any moment.</summary>
internal static class GateProbe
{
    /// <summary>Refunds of 1000 and more need one agent's approval within an hour, then escalate to a senior.</summary>
    public const string PolicyJson = """
        {
          "id": "probe-refunds", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
          },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ] } }
        }
        """;

    private static readonly Lock Output = new();

    public static SignalSchema<Refund> Schema { get; } = new SignalSchema<Refund>()
        .ActionType(static (in Refund r) => "refund.issue")
        .Amount(static (in Refund r) => r.Amount);

    public static InMemoryReviewerDirectory Reviewers() => new(Reviewer.Create("ann", "agent", "reviewer"), Reviewer.Create("sam", "senior", "reviewer"));

    public static ReviewGate<Refund> Gate(ICaseStore store, TimeProvider time) =>
        new ReviewGateBuilder<Refund>(PolicyCompiler.Compile(Hitl.Policy.PolicyJson.Parse(PolicyJson), Schema))
            .UseCaseStore(store)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Reviewers())
            .UseTimeProvider(time)
            .Build();

    public static GateRequest<Refund> Request(string id) => new()
    {
        Context = new Refund(2000),
        Payload = "{\"refund\":2000,\"case\":\"" + id + "\"}",
        CaseId = id,
        Requester = "rita",
        Subject = "carl",
        ModelId = "probe-model",
        ModelVersion = "1",
    };

    public static async Task<int> RunAsync(string mode, string path, string prefix, int count)
    {
        await using var store = SqliteCaseStore.Open("Data Source=" + path);
        using var gate = Gate(store, TimeProvider.System);
        if (mode == "gate-open")
        {
            for (var i = 0; i < count; i++)
            {
                var id = prefix + "-" + i.ToString(CultureInfo.InvariantCulture);
                await gate.SubmitAsync(Request(id));
                Say("opened " + id);
            }

            Say("ready");
            await Task.Delay(Timeout.Infinite);
            return 0;
        }

        await Task.WhenAll(Enumerable.Range(0, count).Select(w => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{w}-{i}");
                await gate.SubmitAsync(Request(id));
                Say("submitted " + id);
                await gate.ApproveAsync(new HumanAct(id, "ann", "ok"));
                Say("approved " + id);
                await gate.ReportExecutedAsync(id, "txn-" + id);
                Say("executed " + id);
            }
        })));
        return 0;
    }

    private static void Say(string line)
    {
        lock (Output)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}

/// <summary>The probe's context: a refund and its amount.</summary>
internal readonly record struct Refund(double Amount);
