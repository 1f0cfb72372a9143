using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Hitl.Policy;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// How many cases per second the review gate carries through, per audit store. Each operation is one case:
/// auto-execute (one record), block (one record), or review then approve (two records). <c>Op/s</c> is cases per
/// second; records per second is that times the records per case.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class GateBenchmarks
{
    private const int CasesPerInvoke = 1000;
    private const string PolicyJson = """
        {
          "id": "bench", "version": "1", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute", "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" } },
          "actions": {
            "refund.issue": {
              "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ],
              "rules": [ { "id": "refund.fraud", "when": { "field": "category", "eq": "fraud" }, "then": { "route": "block" } } ]
            }
          }
        }
        """;

    private readonly InMemoryReviewerDirectory _reviewers = new(Reviewer.Create("ann", "agent", "reviewer"));
    private CompiledPolicy<Signals> _policy = null!;
    private GateRequest<Signals> _auto = null!;
    private GateRequest<Signals> _block = null!;
    private GateRequest<Signals> _review = null!;

    /// <summary>The audit stores compared: the in-memory store, and the JSON Lines file store that flushes each record to disk.</summary>
    public static IEnumerable<AuditStoreFactory> Stores =>
    [
        new("in-memory", () => new InMemoryAuditStore()),
        new("jsonl-file", () => JsonLinesAuditStore.Open(Path.Combine(Path.GetTempPath(), $"hitl-gate-bench-{Guid.NewGuid():N}.jsonl"))),
    ];

    [ParamsSource(nameof(Stores))]
    public AuditStoreFactory Store { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var definition = Hitl.Policy.PolicyJson.Parse(PolicyJson);
        _policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        _auto = Request(new Signals { ActionType = "refund.issue", Amount = 10, Category = "retail" });
        _block = Request(new Signals { ActionType = "refund.issue", Amount = 10, Category = "fraud" });
        _review = Request(new Signals { ActionType = "refund.issue", Amount = 2000, Category = "retail" });
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CasesPerInvoke)]
    public async Task<int> AutoExecute()
    {
        await using var run = NewRun();
        var gate = run.Gate;
        var executed = 0;
        for (var i = 0; i < CasesPerInvoke; i++)
        {
            executed += (await gate.SubmitAsync(_auto).ConfigureAwait(false)).MayExecute ? 1 : 0;
        }

        return executed;
    }

    [Benchmark(OperationsPerInvoke = CasesPerInvoke)]
    public async Task<int> Block()
    {
        await using var run = NewRun();
        var gate = run.Gate;
        var blocked = 0;
        for (var i = 0; i < CasesPerInvoke; i++)
        {
            blocked += (await gate.SubmitAsync(_block).ConfigureAwait(false)).Disposition == GateDisposition.Blocked ? 1 : 0;
        }

        return blocked;
    }

    [Benchmark(OperationsPerInvoke = CasesPerInvoke)]
    public async Task<int> ReviewThenApprove()
    {
        await using var run = NewRun();
        var gate = run.Gate;
        var approved = 0;
        for (var i = 0; i < CasesPerInvoke; i++)
        {
            var result = await gate.SubmitAsync(_review).ConfigureAwait(false);
            var view = await gate.ApproveAsync(new HumanAct(result.CaseId, "ann", "ok")).ConfigureAwait(false);
            approved += view.State == CaseState.Approved ? 1 : 0;
        }

        return approved;
    }

    private GateRun NewRun()
    {
        var store = Store.Create();
        return new GateRun(new ReviewGateBuilder<Signals>(_policy)
            .AddAuditStore(store)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(_reviewers)
            .Build(), store);
    }

    private GateRequest<Signals> Request(Signals signals) =>
        new() { Context = signals, Decision = _policy.Route(signals), Payload = "refund to order 42", Requester = "rita", Subject = "carl" };

    /// <summary>Makes a fresh audit store per benchmark invocation.</summary>
    /// <param name="Name">The name shown in the report.</param>
    /// <param name="Create">Makes a store.</param>
    public sealed record AuditStoreFactory(string Name, Func<IAuditStore> Create)
    {
        public override string ToString() => Name;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(StatisticColumn.OperationsPerSecond);
    }

    /// <summary>A gate with its own store; disposing it closes the store and deletes a file store's files.</summary>
    private sealed class GateRun(ReviewGate<Signals> gate, IAuditStore store) : IAsyncDisposable
    {
        public ReviewGate<Signals> Gate { get; } = gate;

        public async ValueTask DisposeAsync()
        {
            Gate.Dispose();
            if (store is JsonLinesAuditStore file)
            {
                var path = file.Path;
                await file.DisposeAsync().ConfigureAwait(false);
                File.Delete(path);
                File.Delete(path + ".lock");
            }
        }
    }
}
