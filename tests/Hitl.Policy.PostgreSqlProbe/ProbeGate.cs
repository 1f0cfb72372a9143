using System.Globalization;
using System.Text;
using Hitl.Policy;
using Hitl.Policy.PostgreSql;
using Hitl.Policy.Review;
using Npgsql;

/// <summary>What every probe instance shares: the policy, the reviewer directory, the cases' content and the reviewers' choices.</summary>
internal static class ProbeGate
{
    /// <summary>
    /// Small refunds run on their own; from 100 an agent approves, from 5000 a senior; refunds flagged as fraud never
    /// run. One approval decides; the deadlines are hours away, so only people decide during a run.
    /// </summary>
    public const string PolicyJson = """
        {
          "id": "multi-instance-refunds", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
          },
          "actions": {
            "refund.issue": {
              "impactTiers": [
                { "id": "refund.medium", "amountAtLeast": 100, "route": "review" },
                { "id": "refund.large", "amountAtLeast": 5000, "route": "review", "tier": "senior" }
              ],
              "rules": [
                { "id": "refund.fraud", "when": { "field": "category", "eq": "fraud" }, "then": { "route": "block" } }
              ]
            }
          }
        }
        """;

    /// <summary>The reviewer every instance also acts as: two processes claiming for the same person get the same case and race for it.</summary>
    public const string SharedReviewer = "pat";

    /// <summary>The most instances the directory has reviewers for.</summary>
    public const int MaxInstances = 16;

    public static SignalSchema<Refund> Schema { get; } = new SignalSchema<Refund>()
        .ActionType(static (in Refund _) => "refund.issue")
        .Amount(static (in Refund r) => r.Amount)
        .Category(static (in Refund r) => r.Category);

    /// <summary>The same directory in every process: two agents and a senior per instance, and the shared senior <see cref="SharedReviewer"/>.</summary>
    public static InMemoryReviewerDirectory Directory() =>
        new([.. Enumerable.Range(0, MaxInstances).SelectMany(ReviewersOf).Select(id => Reviewer.Create(id, id.StartsWith("senior", StringComparison.Ordinal) ? "senior" : "agent", "reviewer")),
            Reviewer.Create(SharedReviewer, "senior", "reviewer")]);

    /// <summary>The reviewers who work on an instance (besides <see cref="SharedReviewer"/>).</summary>
    public static string[] ReviewersOf(int instance) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"agent-{instance}-a"),
        string.Create(CultureInfo.InvariantCulture, $"agent-{instance}-b"),
        string.Create(CultureInfo.InvariantCulture, $"senior-{instance}"),
    ];

    /// <summary>The store of one instance, with a small pool (several processes share one server).</summary>
    public static PostgreSqlCaseStore OpenStore(string connectionString, string schema) =>
        PostgreSqlCaseStore.Open(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 20, ApplicationName = "hitl-probe" }.ConnectionString,
            new PostgreSqlCaseStoreOptions { Schema = schema });

    public static ReviewGate<Refund> Gate(ICaseStore store, TimeSpan pollInterval, GateLog log) =>
        new ReviewGateBuilder<Refund>(PolicyCompiler.Compile(Hitl.Policy.PolicyJson.Parse(PolicyJson), Schema))
            .UseCaseStore(store)
            .UseLoggerFactory(log)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Directory())
            .Configure(o =>
            {
                o.StorePollInterval = pollInterval;
                o.ReviewClaimLease = TimeSpan.FromSeconds(10);
            })
            .Build();

    /// <summary>The case ids of an instance: <c>m-{instance}-{i}</c>, its share of <paramref name="total"/> cases.</summary>
    public static string[] CaseIds(int instance, int instances, int total)
    {
        var share = total / instances + (instance < total % instances ? 1 : 0);
        return [.. Enumerable.Range(0, share).Select(i => string.Create(CultureInfo.InvariantCulture, $"m-{instance}-{i}"))];
    }

    /// <summary>The model output of a case, decided by the seed and the id: about a fifth runs alone, a few are fraud, a tenth need a senior.</summary>
    public static GateRequest<Refund> Request(string id, int instance, int seed)
    {
        var h = Hash(seed, id);
        var bucket = h % 100;
        var refund = bucket switch
        {
            < 22 => new Refund(20 + h % 60, "goodwill"),
            < 25 => new Refund(300 + h % 500, "fraud"),
            < 35 => new Refund(5000 + h % 4000, "damaged"),
            _ => new Refund(100 + h % 4800, "late-delivery"),
        };
        return new GateRequest<Refund>
        {
            Context = refund,
            Payload = string.Create(CultureInfo.InvariantCulture, $"{{\"refund\":{refund.Amount},\"reason\":\"{refund.Category}\",\"case\":\"{id}\"}}"),
            CaseId = id,
            Requester = string.Create(CultureInfo.InvariantCulture, $"requester-{instance}"),
            Subject = "customer-" + (h % 1000).ToString(CultureInfo.InvariantCulture),
            ModelId = "refund-model",
            ModelVersion = "7",
        };
    }

    /// <summary>A refund that always goes to an agent's review (the race test's cases).</summary>
    public static GateRequest<Refund> ReviewRequest(string id) => new()
    {
        Context = new Refund(2000, "late-delivery"),
        Payload = "{\"refund\":2000,\"case\":\"" + id + "\"}",
        CaseId = id,
        Requester = "requester-race",
        Subject = "customer-race",
    };

    /// <summary>Whether the reviewers reject the case (about one in five), the same in every process.</summary>
    public static bool Rejects(string id, int seed) => Hash(seed, "act:" + id) % 5 == 0;

    /// <summary>FNV-1a over the seed and the text: the same in every process (string.GetHashCode is not).</summary>
    public static uint Hash(int seed, string text)
    {
        var h = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(seed.ToString(CultureInfo.InvariantCulture) + ":" + text))
        {
            h = (h ^ b) * 16777619u;
        }

        return h;
    }
}

/// <summary>The probe's context: a refund, its amount and why it is asked for.</summary>
internal readonly record struct Refund(double Amount, string Category);
