using Hitl.Policy.Review;

namespace Hitl.Policy.PostgreSql.Tests.Support;

/// <summary>
/// Instances of a service on one database, in one test process: each has its own store (its own connections, writer and
/// listener) and its own gate and kill switch, as separate processes would.
/// </summary>
internal sealed class Instances : IAsyncDisposable
{
    /// <summary>Refunds of 1000 and more need an agent's approval within an hour, then a senior's; the rest auto-execute.</summary>
    public const string PolicyJson = """
        {
          "id": "pg-refunds", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
          },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ] } }
        }
        """;

    private readonly List<Instance> _instances = [];

    public static SignalSchema<Refund> Schema { get; } = new SignalSchema<Refund>()
        .ActionType(static (in Refund r) => "refund.issue")
        .Amount(static (in Refund r) => r.Amount);

    public static InMemoryReviewerDirectory Reviewers() => new(
        Reviewer.Create("ann", "agent", "reviewer"),
        Reviewer.Create("aaron", "agent", "reviewer"),
        Reviewer.Create("sam", "senior", "reviewer"),
        Reviewer.Create("otto", "agent", "operator"));

    public IReadOnlyList<Instance> All => _instances;

    public Instance this[int index] => _instances[index];

    /// <summary>Starts an instance: a store on the schema and a gate over it.</summary>
    public Instance Start(string connectionString, string schema, ReviewGateOptions? gateOptions = null, bool listen = true, TimeProvider? time = null)
    {
        var store = PostgreSqlCaseStore.Open(connectionString, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = listen });
        var killSwitch = new KillSwitch(time ?? TimeProvider.System);
        var builder = new ReviewGateBuilder<Refund>(PolicyCompiler.Compile(Hitl.Policy.PolicyJson.Parse(PolicyJson), Schema, killSwitch))
            .UseCaseStore(store)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(Reviewers())
            .UseTimeProvider(time ?? TimeProvider.System);
        if (gateOptions is not null)
        {
            builder.UseOptions(gateOptions);
        }

        var instance = new Instance(store, builder.Build());
        _instances.Add(instance);
        return instance;
    }

    public static GateRequest<Refund> Request(double amount, string? caseId = null) => new()
    {
        Context = new Refund(amount),
        Payload = "{\"refund\":" + amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}",
        CaseId = caseId,
        Requester = "rita",
        Subject = "carl",
    };

    public static async Task<T> Within<T>(Task<T> task, int seconds = 30) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            instance.Gate.Dispose();
            await instance.Store.DisposeAsync();
        }
    }
}

/// <summary>One instance: its store and its gate (whose kill switch is its own).</summary>
internal sealed record Instance(PostgreSqlCaseStore Store, ReviewGate<Refund> Gate)
{
    /// <summary>The audited kill switch of this instance, as its operator would use it.</summary>
    public AuditedKillSwitch Switch => new(Gate.KillSwitch, Store.Audit, Instances.Reviewers());
}

/// <summary>The tests' context: a refund of an amount.</summary>
internal readonly record struct Refund(double Amount);

/// <summary>The system clock moved on by an offset the test sets: a gate on it sees deadlines as passed that have not.</summary>
// Not FakeTimeProvider: the gates on this clock share a real server, and their store polls (Task.Delay on it) must keep firing in real time.
internal sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
