using BenchmarkDotNet.Attributes;
using Hitl.Policy.AI;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.Benchmarks;

/// <summary>
/// What the gate adds to an agent's tool call that the policy lets run: reading the call's arguments, routing it, and
/// the two records (decided, executed) in the case store; against calling the tool directly, and against routing alone.
/// </summary>
[MemoryDiagnoser]
public class ToolGateBenchmarks
{
    private const string PolicyJson = """
        {
          "id": "agent-tools", "version": "1", "tiers": ["support"],
          "defaults": { "route": "auto-execute", "review": { "tier": "support", "approvals": 1, "deadline": "PT30M", "onTimeout": "block" } },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "refund.large", "amountAtLeast": 100, "route": "review" } ] } }
        }
        """;

    private readonly AIFunctionArguments _arguments = new() { ["orderId"] = "A-1001", ["amount"] = 40.0, ["reason"] = "arrived broken" };
    private readonly Dictionary<string, object?> _values = new() { ["orderId"] = "A-1001", ["amount"] = 40.0, ["reason"] = "arrived broken" };
    private string? _directory;
    private ReviewGate<ToolCall> _gate = null!;
    private AIFunction _tool = null!;
    private GatedAIFunction _gated = null!;
    private CompiledPolicy<ToolCall> _policy = null!;

    /// <summary>Where the cases are kept.</summary>
    [Params("memory", "sqlite")]
    public string Store { get; set; } = "memory";

    [GlobalSetup]
    public void Setup()
    {
        var signals = new ToolSignals().Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount"));
        _policy = signals.Compile(Hitl.Policy.PolicyJson.Parse(PolicyJson));
        ICaseStore store;
        if (Store == "sqlite")
        {
            _directory = Directory.CreateTempSubdirectory("hitl-bench-tools").FullName;
            store = SqliteCaseStore.Open($"Data Source={Path.Combine(_directory, "cases.db")}", new SqliteCaseStoreOptions { Synchronous = SqliteSynchronous.Normal });
        }
        else
        {
            store = new InMemoryCaseStore();
        }

        _gate = new ReviewGateBuilder<ToolCall>(_policy).UseCaseStore(store).AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory()).Build();
        _tool = AIFunctionFactory.Create((string orderId, double amount, string reason) => amount, "issue_refund");
        _gated = new ToolGate(_gate, signals).Wrap(_tool);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gate.Dispose();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The tool called directly.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<object?> Tool() => _tool.InvokeAsync(_arguments);

    /// <summary>The call read and routed, nothing recorded.</summary>
    [Benchmark]
    public RouteLevel Route() => _policy.Route(_gated.Read(_values)).Route;

    /// <summary>The call through the gate: read, routed, recorded as decided and executed, run.</summary>
    [Benchmark]
    public ValueTask<object?> Gated() => _gated.InvokeAsync(_arguments);
}
