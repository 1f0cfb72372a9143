using System.Text.Json;
using Hitl.Policy.AI.Tests.Support;
using Hitl.Policy.Definition;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI.Tests;

/// <summary>The mapping is declared once and checked at start, against the policy and against each tool's JSON schema.</summary>
public sealed class ToolSignalsTests
{
    private static readonly string PolicyPath = Path.Combine(AppContext.BaseDirectory, "agent-tools.json");

    [Fact]
    public void A_policy_field_no_tool_supplies_is_an_error_at_start()
    {
        var signals = new ToolSignals().Tool("restart_service", t => t.ActionType("service.restart"));

        var error = Assert.Throws<InvalidOperationException>(() => signals.Compile(PolicyJson.Load(PolicyPath)));

        Assert.Contains("service.environment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_required_field_a_tool_does_not_supply_is_an_error_at_start()
    {
        var definition = PolicyJson.Load(PolicyPath);
        definition.Fields!["service.environment"].Required = true;
        var signals = new ToolSignals()
            .Tool("restart_service", t => t.ActionType("service.restart").Text("service.environment", "environment"))
            .Tool("lookup_order", t => t.ActionType("orders.lookup"))
            .Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount"));

        var problems = signals.Problems(definition);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("'lookup_order' does not supply it", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'issue_refund' does not supply it", StringComparison.Ordinal));
        Assert.Throws<InvalidOperationException>(() => signals.Compile(definition));
    }

    [Fact]
    public void A_policy_that_reads_the_amount_needs_a_tool_that_maps_it()
    {
        var signals = new ToolSignals().Tool("issue_refund", t => t.ActionType("refund.issue"))
            .Tool("restart_service", t => t.Text("service.environment", "environment"));

        var error = Assert.Throws<InvalidOperationException>(() => signals.Compile(PolicyJson.Load(PolicyPath)));

        Assert.Contains("amount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrapping_checks_each_mapped_argument_against_the_tool_schema()
    {
        using var agent = new AgentTools(declare: s => s.Tool("transfer", t => t.ActionType("refund.issue").Amount("sum").Text("service.environment", "amount")));
        var transfer = AIFunctionFactory.Create((string to, double amount) => "ok", "transfer");

        var error = Assert.Throws<InvalidOperationException>(() => agent.Tools.Wrap(transfer));

        Assert.Contains("Tool 'transfer' has no argument 'sum' in its JSON schema, but 'amount' is mapped from it.", error.Message, StringComparison.Ordinal);
        Assert.Contains("argument 'amount' is of type \"number\" in its JSON schema, but 'service.environment' is a text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_that_is_not_declared_cannot_be_gated()
    {
        using var agent = new AgentTools();

        var error = Assert.Throws<InvalidOperationException>(() => agent.Tools.Wrap(AIFunctionFactory.Create(() => "x", "wire_money")));

        Assert.Contains("'wire_money' is not declared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reversibility_comes_from_the_mapping_then_the_tool_metadata_then_counts_as_irreversible()
    {
        using var agent = new AgentTools();
        GatedAIFunction Tool(string name) => (GatedAIFunction)agent.Functions.Single(f => f.Name == name);

        Assert.Equal(Reversibility.Reversible, Tool("lookup_order").Reversibility);      // metadata
        Assert.Equal(Reversibility.CostlyToReverse, Tool("issue_refund").Reversibility); // mapping
        Assert.Equal(Reversibility.Irreversible, Tool("delete_account").Reversibility);  // neither
    }

    [Fact]
    public void Metadata_that_is_not_a_reversibility_is_an_error_at_start()
    {
        using var agent = new AgentTools(declare: s => s.Tool("odd"));
        var odd = AIFunctionFactory.Create(() => "x", new AIFunctionFactoryOptions
        {
            Name = "odd",
            AdditionalProperties = new Dictionary<string, object?> { [HitlToolMetadata.Reversibility] = "undoable" },
        });

        var error = Assert.Throws<InvalidOperationException>(() => agent.Tools.Wrap(odd));

        Assert.Contains("'undoable'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_keeps_one_type_across_tools_and_declarations_end_when_the_schema_is_read()
    {
        var signals = new ToolSignals().Tool("a", t => t.Text("x", "x"));

        Assert.Throws<ArgumentException>(() => signals.Tool("b", t => t.Number("x", "x")));
        Assert.Throws<ArgumentException>(() => signals.Tool("a"));
        _ = signals.Schema;
        Assert.Throws<InvalidOperationException>(() => signals.Tool("c"));
    }

    [Theory]
    [InlineData("""{"orderId":"A-1","amount":"400","reason":"x"}""")]
    [InlineData("""{"orderId":"A-1","reason":"x"}""")]
    [InlineData("""{"orderId":"A-1","amount":null,"reason":"x"}""")]
    public void An_argument_of_the_wrong_kind_or_missing_fails_closed(string arguments)
    {
        using var agent = new AgentTools();
        var refund = (GatedAIFunction)agent.Functions.Single(f => f.Name == "issue_refund");
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!.ToDictionary(p => p.Key, p => (object?)p.Value);

        var decision = agent.Policy.Route(refund.Read(values));

        Assert.True(decision.Route >= RouteLevel.Review);
        Assert.True(decision.Flags.HasFlag(DecisionFlags.InvalidSignal));
    }

    [Fact]
    public void Dotted_paths_read_into_object_arguments_and_fixed_values_need_no_argument()
    {
        var signals = new ToolSignals().Tool("deploy", t => t.ActionType("service.restart").Text("service.environment", "target.environment").FixedText("tool.access", "write"));
        var definition = new PolicyBuilder("p", "1").Tiers("support").TextField("service.environment").TextField("tool.access")
            .Action("service.restart", a => a.Rule("prod-write", Conditions.All(Conditions.Field("service.environment").EqualTo("production"), Conditions.Field("tool.access").EqualTo("write")), RouteLevel.Review))
            .Build();
        var policy = signals.Compile(definition);
        using var gate = new ReviewGateBuilder<ToolCall>(policy).AddAuditStore(new Audit.InMemoryAuditStore()).AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory()).Build();
        var deploy = new ToolGate(gate, signals).Wrap(AIFunctionFactory.Create((Target target) => "ok", "deploy"));

        var call = deploy.Read(new Dictionary<string, object?> { ["target"] = new Target("production") });

        Assert.Equal("production", call.Arguments.GetProperty("target").GetProperty("environment").GetString());
        Assert.Equal(RouteLevel.Review, policy.Route(call).Route); // both the nested argument and the fixed value were read
        Assert.Equal("prod-write", policy.Route(call).DecidedBy);
    }

    public sealed record Target(string Environment);
}
