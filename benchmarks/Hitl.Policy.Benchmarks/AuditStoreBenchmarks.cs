using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Hitl.Policy.Audit;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// How many audit records per second can a host append? The in-memory store (hashing and chaining only) against the
/// JSON Lines file store, whose every append waits for its record to be flushed to disk: one after another, 64 at a
/// time with one flush per record, and 64 at a time with group commit. Results are per record; the Records/s column
/// is one second divided by the mean. File numbers depend on the disk's flush latency more than on the code.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RecordsPerSecondConfig))]
public class AuditStoreBenchmarks
{
    private const int Batch = 64;
    private const long InMemoryRecycleAt = 200_000;

    private readonly AuditEntry[] _entries = new AuditEntry[Batch];
    private readonly Task<AuditRecord>[] _pending = new Task<AuditRecord>[Batch];
    private string _directory = string.Empty;
    private InMemoryAuditStore _memory = new();
    private JsonLinesAuditStore _file = null!;
    private JsonLinesAuditStore _groupCommit = null!;

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < Batch; i++)
        {
            // A typical decision record: digests, the rules that fired, the route and tier.
            _entries[i] = new AuditEntry
            {
                Act = ActKind.Decided,
                CaseId = $"case-{i:D6}",
                At = at.AddMilliseconds(i),
                ActionType = "refund.issue",
                RequestId = $"req-{i:D6}",
                PolicyId = "operations",
                PolicyVersion = "2026.11.1",
                PolicyHash = new string('a', 64),
                InputDigest = new string('b', 64),
                Route = RouteLevel.Review,
                RequiredTier = "senior",
                RequiredApprovals = 1,
                RulesFired = ["refund.large", "defaults.low-confidence"],
                DecidedBy = "refund.large",
                Flags = DecisionFlags.None,
                Confidence = 0.71,
                Risk = 0.42,
            };
        }

        _directory = Path.Combine(Path.GetTempPath(), "hitl-audit-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(_directory);
        _file = JsonLinesAuditStore.Open(Path.Combine(_directory, "flush-each.jsonl"));
        _groupCommit = JsonLinesAuditStore.Open(new JsonLinesAuditStoreOptions { Path = Path.Combine(_directory, "group-commit.jsonl"), GroupCommit = true });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        _groupCommit.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "in-memory, one after another")]
    public async Task<long> InMemorySequential()
    {
        var store = Recycled();
        long last = 0;
        foreach (var entry in _entries)
        {
            last = (await store.AppendAsync(entry).ConfigureAwait(false)).Sequence;
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "in-memory, 64 in parallel")]
    public Task<long> InMemoryParallel() => AppendInParallel(Recycled());

    [Benchmark(OperationsPerInvoke = Batch, Description = "file, one after another (a flush each)")]
    public async Task<long> FileSequential()
    {
        long last = 0;
        foreach (var entry in _entries)
        {
            last = (await _file.AppendAsync(entry).ConfigureAwait(false)).Sequence;
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "file, 64 in parallel (a flush each)")]
    public Task<long> FileParallel() => AppendInParallel(_file);

    [Benchmark(OperationsPerInvoke = Batch, Description = "file, 64 in parallel (group commit)")]
    public Task<long> FileParallelGroupCommit() => AppendInParallel(_groupCommit);

    private async Task<long> AppendInParallel(IAuditStore store)
    {
        for (var i = 0; i < Batch; i++)
        {
            _pending[i] = store.AppendAsync(_entries[i]).AsTask();
        }

        var records = await Task.WhenAll(_pending).ConfigureAwait(false);
        return records[^1].Sequence;
    }

    // The in-memory store keeps every record; start a new one now and then so the benchmark does not fill the machine.
    private InMemoryAuditStore Recycled()
    {
        if (_memory.Count >= InMemoryRecycleAt)
        {
            _memory = new InMemoryAuditStore();
        }

        return _memory;
    }

    private sealed class RecordsPerSecondConfig : ManualConfig
    {
        public RecordsPerSecondConfig() => AddColumn(new RecordsPerSecondColumn());
    }

    /// <summary>One second divided by the mean time per record.</summary>
    private sealed class RecordsPerSecondColumn : IColumn
    {
        public string Id => nameof(RecordsPerSecondColumn);

        public string ColumnName => "Records/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Records appended per second (1 s / Mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is > 0 ? (1e9 / mean.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
