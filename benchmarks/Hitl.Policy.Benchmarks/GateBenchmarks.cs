using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>The audit stores to compare. Add the library's in-memory and JSON Lines stores here.</summary>
    public static IEnumerable<AuditStoreFactory> Stores =>
    [
        new("bench-memory", () => new ChainedMemoryStore()),
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
        using var gate = NewGate();
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
        using var gate = NewGate();
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
        using var gate = NewGate();
        var approved = 0;
        for (var i = 0; i < CasesPerInvoke; i++)
        {
            var result = await gate.SubmitAsync(_review).ConfigureAwait(false);
            var view = await gate.ApproveAsync(new ReviewerAct(result.CaseId, "ann", "ok")).ConfigureAwait(false);
            approved += view.State == CaseState.Approved ? 1 : 0;
        }

        return approved;
    }

    private ReviewGate<Signals> NewGate() => new(_policy, Store.Create(), new InMemoryReviewSink(), _reviewers);

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

    /// <summary>A minimal hash-chained store so that the benchmark runs before the library's stores are merged.</summary>
    private sealed class ChainedMemoryStore : IAuditStore
    {
        private readonly Lock _gate = new();
        private readonly List<AuditRecord> _records = [];

        public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                var previous = _records.Count == 0 ? new string('0', 64) : _records[^1].Hash;
                var sequence = _records.Count + 1;
                var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sequence}|{previous}|{entry.Act}|{entry.CaseId}|{entry.At:O}|{entry.InputDigest}")));
                var record = new AuditRecord(sequence, entry, previous, hash);
                _records.Add(record);
                return ValueTask.FromResult(record);
            }
        }

        public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            foreach (var record in _records.Skip((int)fromSequence - 1))
            {
                yield return record;
            }
        }

        public ValueTask<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new AuditVerification(true, _records.Count, null, null, null, false));
    }
}
