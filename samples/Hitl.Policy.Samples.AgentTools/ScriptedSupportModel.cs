using System.Runtime.CompilerServices;
using Hitl.Policy.AI;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.Samples.AgentTools;

/// <summary>
/// A stand-in for a chat model, with no network: it plays a support agent from a script. To a customer's message it
/// answers with the script's tool calls, all in one response; to the tools' results it answers with text written from
/// them, quoting every call that was refused. Deterministic: the same conversation gives the same calls, ids and words.
/// </summary>
internal sealed class ScriptedSupportModel(TextWriter log) : IChatClient
{
    /// <summary>What the customer says, and the calls the agent makes for it.</summary>
    public static readonly IReadOnlyList<Turn> Script =
    [
        new("Order A-1001 arrived broken; refund it and restart the billing service. And delete my account.",
        [
            ("lookup_order", new Dictionary<string, object?> { ["orderId"] = "A-1001" }),
            ("restart_service", new Dictionary<string, object?> { ["service"] = "billing", ["environment"] = "production" }),
            ("delete_account", new Dictionary<string, object?> { ["customerId"] = "C-2041" }),
        ],
        "Shall I refund the 40.00 EUR?"),
        new("Yes, refund it.",
        [
            ("issue_refund", new Dictionary<string, object?> { ["orderId"] = "A-1001", ["amount"] = 40, ["reason"] = "arrived broken" }),
        ],
        null),
    ];

    private int _calls;

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var last = history[^1];
        var reply = last.Role == ChatRole.Tool ? Answer(history) : Calls(last.Text);
        return Task.FromResult(new ChatResponse(reply) { ModelId = "scripted-support-agent" });
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private ChatMessage Calls(string customer)
    {
        var turn = Script.FirstOrDefault(t => t.Customer == customer);
        if (turn is null)
        {
            return new ChatMessage(ChatRole.Assistant, "I can only play the scripted conversation.");
        }

        var calls = turn.Calls.Select(c => (AIContent)new FunctionCallContent($"call-{++_calls}", c.Tool, c.Arguments)).ToList();
        Lines.Write(log, "model", $"calls {string.Join(", ", turn.Calls.Select(c => c.Tool))}");
        return new ChatMessage(ChatRole.Assistant, calls);
    }

    /// <summary>Writes the answer from the results of the last batch of calls (the tool messages at the end of the history).</summary>
    private ChatMessage Answer(List<ChatMessage> history)
    {
        var start = history.FindLastIndex(m => m.Role != ChatRole.Tool) + 1;
        var calls = history.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToDictionary(c => c.CallId, c => c.Name, StringComparer.Ordinal);
        var sentences = new List<string>();
        foreach (var result in history.Skip(start).SelectMany(m => m.Contents).OfType<FunctionResultContent>())
        {
            var tool = calls.GetValueOrDefault(result.CallId, "?");
            if (ToolCallRefusal.TryRead(result.Result, out var refusal))
            {
                Lines.Write(log, "model", $"reads for {tool}: {refusal.Message}");
                var why = refusal.ReasonCode == "policy-block" ? "the policy does not allow it" : "it was refused";
                sentences.Add(tool switch
                {
                    "delete_account" => $"I could not delete your account: {why} ({refusal.ReasonCode}); a colleague can help with that.",
                    _ => $"I could not run {tool}: {why} ({refusal.ReasonCode}).",
                });
                continue;
            }

            var text = result.Result?.ToString() ?? "";
            sentences.Add(tool switch
            {
                "lookup_order" => $"Order {text}.",
                "restart_service" => $"{char.ToUpperInvariant(text[0])}{text[1..]}.",
                "issue_refund" => $"Done: {text}.",
                _ => $"{tool}: {text}.",
            });
        }

        var turn = Script.LastOrDefault(t => history.Exists(m => m.Role == ChatRole.User && m.Text == t.Customer));
        if (turn?.Closing is { } closing)
        {
            sentences.Add(closing);
        }

        return new ChatMessage(ChatRole.Assistant, string.Join(" ", sentences));
    }

    /// <summary>One turn of the script.</summary>
    /// <param name="Customer">What the customer says.</param>
    /// <param name="Calls">The tool calls the agent asks for, in one response.</param>
    /// <param name="Closing">What the agent adds after the results, if anything.</param>
    internal sealed record Turn(string Customer, IReadOnlyList<(string Tool, Dictionary<string, object?> Arguments)> Calls, string? Closing);
}
