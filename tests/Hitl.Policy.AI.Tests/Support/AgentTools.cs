using System.Collections.Concurrent;
using System.Text.Json;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.AI.Tests.Support;

/// <summary>
/// A support agent's four tools behind the agent-tools policy of the sample, a gate on an in-memory store with a fake
/// clock, and a record of every time a tool really ran.
/// </summary>
internal sealed class AgentTools : IDisposable
{
    public AgentTools(ICaseStore? store = null, Action<ToolGateOptions>? configure = null, Action<ToolSignals>? declare = null)
    {
        Signals = new ToolSignals()
            .Tool("lookup_order", t => t.ActionType("orders.lookup"))
            .Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount").Reversibility(Reversibility.CostlyToReverse))
            .Tool("restart_service", t => t.ActionType("service.restart").Text("service.environment", "environment").Reversibility(Reversibility.Reversible))
            .Tool("delete_account", t => t.ActionType("account.delete"));
        declare?.Invoke(Signals);
        Policy = Signals.Compile(PolicyJson.Load(Path.Combine(AppContext.BaseDirectory, "agent-tools.json")));
        Audit = new InMemoryAuditStore();
        Store = store ?? new InMemoryCaseStore(Audit);
        Gate = new ReviewGateBuilder<ToolCall>(Policy)
            .UseCaseStore(Store)
            .AddReviewSink(Sink)
            .AddReviewerDirectory(new InMemoryReviewerDirectory(
                Reviewer.Create("jules", "support", "reviewer"),
                Reviewer.Create("sam", "manager", "reviewer"),
                Reviewer.Create("mia", "manager", "reviewer"),
                Reviewer.Create("olga", "support", "reviewer", "operator")))
            .Configure(o => o.StorePollInterval = TimeSpan.FromSeconds(1))
            .UseTimeProvider(Time)
            .Build();
        var options = new ToolGateOptions { TimeProvider = Time };
        configure?.Invoke(options);
        Tools = new ToolGate(Gate, Signals, options);
        Functions = Tools.Wrap(
        [
            AIFunctionFactory.Create((string orderId) => Ran("lookup_order", new { orderId }, $"order {orderId}: delivered, damaged"), new AIFunctionFactoryOptions
            {
                Name = "lookup_order",
                AdditionalProperties = new Dictionary<string, object?> { [HitlToolMetadata.Reversibility] = "reversible" },
            }),
            AIFunctionFactory.Create((string orderId, double amount, string reason) => Ran("issue_refund", new { orderId, amount, reason }, $"refunded {amount} on {orderId}"), "issue_refund"),
            AIFunctionFactory.Create((string service, string? environment = null) => Ran("restart_service", new { service, environment }, $"{service} restarted in {environment}"), "restart_service"),
            AIFunctionFactory.Create((string customerId) => Ran("delete_account", new { customerId }, $"account {customerId} deleted"), "delete_account"),
        ]);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    public ToolSignals Signals { get; }

    public CompiledPolicy<ToolCall> Policy { get; }

    public InMemoryAuditStore Audit { get; }

    public ICaseStore Store { get; }

    public InMemoryReviewSink Sink { get; } = new();

    public ReviewGate<ToolCall> Gate { get; }

    public ToolGate Tools { get; }

    public IList<AITool> Functions { get; }

    /// <summary>Every run of a tool, in order: the tool, its arguments as JSON, and the model's tool-call id.</summary>
    public ConcurrentQueue<(string Tool, JsonElement Arguments, string? CallId)> Runs { get; } = new();

    /// <summary>What a tool throws when it runs, if anything.</summary>
    public Exception? Throws { get; set; }

    public ChatOptions Options(string? conversationId = null) => new() { Tools = Functions, ConversationId = conversationId };

    /// <summary>The model behind a function-invoking client (the gate inside the tools).</summary>
    public static IChatClient Direct(IChatClient model, bool concurrent = false) =>
        new ChatClientBuilder(model).UseFunctionInvocation(configure: f => f.AllowConcurrentInvocation = concurrent).Build();

    /// <summary>The model behind a function-invoking client, with MEAI's approval flow where the policy asks for it.</summary>
    public IChatClient WithApprovals(IChatClient model, Action<HitlApprovalsOptions>? configure = null) =>
        new ChatClientBuilder(model).UseHitlApprovals(Tools, configure).UseFunctionInvocation().Build();

    public IReadOnlyList<(string Tool, JsonElement Arguments, string? CallId)> RunsOf(string tool) => [.. Runs.Where(r => r.Tool == tool)];

    /// <summary>Waits until a ticket for the tool-call id is in the sink, and gives its case id.</summary>
    public async Task<string> TicketForAsync(string callId)
    {
        for (var i = 0; i < 2000; i++)
        {
            if (Sink.Tickets.FirstOrDefault(t => t.Correlation?.GetValueOrDefault(CaseCorrelation.ToolCallId) == callId) is { } ticket)
            {
                return ticket.CaseId;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"No ticket for tool call '{callId}' reached the review sink.");
    }

    public async Task<IReadOnlyList<AuditRecord>> TrailAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Audit.ReadAsync())
        {
            records.Add(record);
        }

        return records;
    }

    public void Dispose() => Gate.Dispose();

    /// <summary>How many times a tool body started, whether or not it threw.</summary>
    public int Attempts => _attempts;

    private int _attempts;

    private string Ran(string tool, object arguments, string result)
    {
        Interlocked.Increment(ref _attempts);
        if (Throws is { } ex)
        {
            throw ex;
        }

        Runs.Enqueue((tool, JsonSerializer.SerializeToElement(arguments), FunctionInvokingChatClient.CurrentContext?.CallContent.CallId));
        return result;
    }
}
