using System.Globalization;
using Hitl.Policy.AI;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.Snippets;

/// <summary>The README's section "Agents and tool calls": the region is the README's code block, verbatim.</summary>
public static class AgentToolsSnippet
{
    /// <summary>Gates a refund tool, asks the model, and answers the calls that wait for a person.</summary>
    public static async Task<ChatResponse> RunAsync(
        IChatClient model, ICaseStore store, IReviewSink sink, IReviewerDirectory directory,
        List<ChatMessage> messages, Func<ToolApprovalRequestContent, Task<bool>> askReviewer, string reviewerId)
    {
        #region agent-tools
        var signals = new ToolSignals()
            .Tool("issue_refund", t => t.ActionType("refund.issue").Amount("amount"))
            .Tool("restart_service", t => t.ActionType("service.restart").Text("service.environment", "environment"));
        var policy = signals.Compile(PolicyJson.Load("agent-tools.json"));
        using var gate = new ReviewGateBuilder<ToolCall>(policy)
            .UseCaseStore(store).AddReviewSink(sink).AddReviewerDirectory(directory).Build();

        var tools = new ToolGate(gate, signals);
        var options = new ChatOptions { Tools = [tools.Wrap(AIFunctionFactory.Create(IssueRefund, "issue_refund"))] };
        using var client = new ChatClientBuilder(model).UseHitlApprovals(tools).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync(messages, options);
        messages.AddMessages(response);
        foreach (var request in HitlApprovals.AwaitingPerson(response))   // only the calls the policy routes to review
        {
            var approved = await askReviewer(request);
            messages.Add(new ChatMessage(ChatRole.User, [request.CreateHitlResponse(approved, reviewerId: reviewerId)]));
        }

        response = await client.GetResponseAsync(messages, options);      // approved calls run; refused ones tell the model why
        #endregion
        return response;
    }

    private static string IssueRefund(string orderId, decimal amount) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} refunded for {orderId}");
}
