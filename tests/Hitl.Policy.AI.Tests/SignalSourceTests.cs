using Hitl.Policy.AI.Tests.Support;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;
using static Hitl.Policy.AI.Tests.Support.ScriptedModel;

namespace Hitl.Policy.AI.Tests;

/// <summary>Signals that come from outside the arguments: the host's confidence in a call, and the tool's own metadata.</summary>
public sealed class SignalSourceTests
{
    private const string ConfidencePolicy = """
        {
          "id": "mail", "version": "1", "tiers": ["support"],
          "defaults": { "route": "auto-execute", "review": { "tier": "support", "approvals": 1, "deadline": "PT30M", "onTimeout": "block" } },
          "onInvalidSignal": "review",
          "actions": {
            "email.send": {
              "confidenceBands": [
                { "id": "mail.sure", "min": 0.8, "max": 1.0, "route": "auto-execute" },
                { "id": "mail.unsure", "min": 0.0, "max": 0.8, "route": "review" }
              ],
              "sensitive": { "route": "review" }
            }
          }
        }
        """;

    [Theory]
    [InlineData(0.95, false, RouteLevel.AutoExecute, false)]
    [InlineData(0.55, false, RouteLevel.Review, false)]
    [InlineData(null, false, RouteLevel.Review, true)]
    [InlineData(0.95, true, RouteLevel.Review, false)]
    public void The_host_s_confidence_and_the_tool_s_sensitivity_route_the_call(double? score, bool sensitive, RouteLevel route, bool invalid)
    {
        var signals = new ToolSignals()
            .Tool("send_email", t => t.ActionType("email.send").Reversibility(Reversibility.Irreversible))
            .ConfidenceFrom(call => call.CallContent?.AdditionalProperties?.TryGetValue("score", out var s) is true ? (double?)s : null);
        var policy = signals.Compile(PolicyJson.Parse(ConfidencePolicy));
        using var gate = new ReviewGateBuilder<ToolCall>(policy).AddAuditStore(new Audit.InMemoryAuditStore()).AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory()).Build();
        var tool = new ToolGate(gate, signals).Wrap(AIFunctionFactory.Create((string to) => "sent", new AIFunctionFactoryOptions
        {
            Name = "send_email",
            AdditionalProperties = new Dictionary<string, object?> { [HitlToolMetadata.Sensitive] = sensitive },
        }));
        var content = new FunctionCallContent("c-1", "send_email") { AdditionalProperties = score is null ? null : new() { ["score"] = score } };

        var call = tool.Read(new ToolCallSource("send_email", System.Text.Json.JsonDocument.Parse("""{"to":"x@example.org"}""").RootElement, content), "c-1", null);
        var decision = policy.Route(call);

        Assert.Equal(route, decision.Route);
        Assert.Equal(invalid, decision.Flags.HasFlag(DecisionFlags.InvalidSignal)); // no confidence for a call: the policy fails closed
        Assert.Equal(sensitive, call.Sensitive);
        Assert.Equal(score ?? double.NaN, call.Confidence);
    }

    [Fact]
    public async Task A_streaming_request_gets_the_same_answer_as_a_whole_one()
    {
        using var agent = new AgentTools();
        var model = new ScriptedModel(Batch(("c-1", "lookup_order", new { orderId = "A-1" })));
        using var client = agent.WithApprovals(model);

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "where is A-1?")], agent.Options()))
        {
            updates.Add(update);
        }

        Assert.Contains("c-1: order A-1: delivered, damaged", updates.ToChatResponse().Text, StringComparison.Ordinal);
        Assert.Single(agent.Runs);
    }
}
