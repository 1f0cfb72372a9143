using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// How many cases per second the review gate carries through with each case store, one after another and with many
/// submitters at once (group commit can only share a transaction between commits that arrive together).
/// </summary>
/// <remarks>
/// <para>Each invocation runs <see cref="CasesPerInvoke"/> cases, split evenly over <see cref="Concurrency"/>
/// submitters that run at the same time (each on the thread pool, awaiting one case after another); results are per
/// case (<c>OperationsPerInvoke</c>), so <c>Op/s</c> is cases per second. <see cref="AutoExecute"/> is one decision
/// and one commit (the case and its decision record) per case; <see cref="ReviewThenApprove"/> is a submit to review
/// and an approval, two commits and two records per case.</para>
/// <para>Every iteration gets a fresh gate over a fresh store (a new temporary file for the file stores), made in
/// <c>[IterationSetup]</c> and closed in <c>[IterationCleanup]</c>, so opening, creating the schema, the last
/// checkpoint and deleting the files (with SQLite's <c>-wal</c> and <c>-shm</c>) are not timed. An iteration setup
/// makes BenchmarkDotNet run one invocation per iteration, so each measured invocation starts on an empty store.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Columns))]
public class CaseStoreBenchmarks
{
    /// <summary>Cases per invocation: divisible by every <see cref="Concurrency"/>.</summary>
    public const int CasesPerInvoke = 8192;

    private const string PolicyJson = """
        {
          "id": "bench", "version": "1", "tiers": ["agent", "senior"],
          "defaults": { "route": "auto-execute", "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" } },
          "actions": {
            "refund.issue": {
              "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ]
            }
          }
        }
        """;

    private readonly InMemoryReviewerDirectory _reviewers = new(Reviewer.Create("ann", "agent", "reviewer"));
    private string _directory = string.Empty;
    private CompiledPolicy<Signals> _policy = null!;
    private GateRequest<Signals> _auto = null!;
    private GateRequest<Signals> _review = null!;
    private Task<int>[] _submitters = [];
    private ReviewGate<Signals> _gate = null!;
    private ICaseStore _store = null!;
    private string? _file;

    /// <summary>The stores compared.</summary>
    public static IEnumerable<CaseStoreFactory> Stores =>
    [
        new("memory", _ => new InMemoryCaseStore()),
        new("jsonl-group", path => new InMemoryCaseStore(JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = path + ".jsonl", GroupCommit = true }))),
        new("sqlite-each", path => Sqlite(path, groupCommit: false, SqliteSynchronous.Full)),
        new("sqlite-group", path => Sqlite(path, groupCommit: true, SqliteSynchronous.Full)),
        new("sqlite-group-normal", path => Sqlite(path, groupCommit: true, SqliteSynchronous.Normal)),
    ];

    [ParamsSource(nameof(Stores))]
    public CaseStoreFactory Store { get; set; } = null!;

    /// <summary>Submitters running at once.</summary>
    [Params(1, 64)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var definition = Hitl.Policy.PolicyJson.Parse(PolicyJson);
        _policy = PolicyCompiler.Compile(definition, Signals.SchemaFor(definition));
        _auto = Request(new Signals { ActionType = "refund.issue", Amount = 10, Category = "retail" });
        _review = Request(new Signals { ActionType = "refund.issue", Amount = 2000, Category = "retail" });
        _submitters = new Task<int>[Concurrency];
        _directory = Path.Combine(Path.GetTempPath(), "hitl-case-store-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_directory);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [IterationSetup]
    public void OpenStore()
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        _file = path;
        _store = Store.Create(path);
        _gate = new ReviewGateBuilder<Signals>(_policy)
            .UseCaseStore(_store)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(_reviewers)
            .Build();
    }

    [IterationCleanup]
    public void CloseStore()
    {
        _gate.Dispose();
        switch (_store)
        {
            case SqliteCaseStore sqlite:
                sqlite.Dispose();
                break;
            case InMemoryCaseStore { Audit: JsonLinesAuditStore file }:
                file.Dispose();
                break;
        }

        foreach (var suffix in new[] { ".db", ".db-wal", ".db-shm", ".db-journal", ".jsonl", ".jsonl.lock" })
        {
            File.Delete(_file + suffix);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CasesPerInvoke)]
    public Task<int> AutoExecute() => RunAll(static async (gate, request, count) =>
    {
        var executed = 0;
        for (var i = 0; i < count; i++)
        {
            executed += (await gate.SubmitAsync(request).ConfigureAwait(false)).MayExecute ? 1 : 0;
        }

        return executed;
    }, _auto);

    [Benchmark(OperationsPerInvoke = CasesPerInvoke)]
    public Task<int> ReviewThenApprove() => RunAll(static async (gate, request, count) =>
    {
        var approved = 0;
        for (var i = 0; i < count; i++)
        {
            var result = await gate.SubmitAsync(request).ConfigureAwait(false);
            var view = await gate.ApproveAsync(new HumanAct(result.CaseId, "ann", "ok")).ConfigureAwait(false);
            approved += view.State == CaseState.Approved ? 1 : 0;
        }

        return approved;
    }, _review);

    private static SqliteCaseStore Sqlite(string path, bool groupCommit, SqliteSynchronous synchronous) =>
        SqliteCaseStore.Open($"Data Source={path}.db", new SqliteCaseStoreOptions { GroupCommit = groupCommit, Synchronous = synchronous, MaxGroupSize = 256 });

    private async Task<int> RunAll(Func<ReviewGate<Signals>, GateRequest<Signals>, int, Task<int>> submitter, GateRequest<Signals> request)
    {
        var gate = _gate;
        var share = CasesPerInvoke / Concurrency;
        for (var i = 0; i < _submitters.Length; i++)
        {
            _submitters[i] = Task.Run(() => submitter(gate, request, share));
        }

        var done = 0;
        foreach (var count in await Task.WhenAll(_submitters).ConfigureAwait(false))
        {
            done += count;
        }

        return done == CasesPerInvoke ? done : throw new InvalidOperationException($"{done} of {CasesPerInvoke} cases went through.");
    }

    private GateRequest<Signals> Request(Signals signals) =>
        new() { Context = signals, Payload = "refund to order 42", Requester = "rita", Subject = "carl" };

    /// <summary>Makes a fresh store per iteration.</summary>
    /// <param name="Name">The name shown in the report.</param>
    /// <param name="Create">Makes a store from a path without extension (stores that need no file ignore it).</param>
    public sealed record CaseStoreFactory(string Name, Func<string, ICaseStore> Create)
    {
        public override string ToString() => Name;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}
