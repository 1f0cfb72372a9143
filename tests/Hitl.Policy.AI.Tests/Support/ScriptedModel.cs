using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI.Tests.Support;

/// <summary>
/// A deterministic stand-in for a model: it asks for its batches of tool calls one after the other (the next batch once
/// every call of the last one has a result), then answers with a text that lists every result it saw. Like a service that
/// keeps the conversation, it answers with the conversation id it was given.
/// </summary>
internal sealed class ScriptedModel(params Func<FunctionCallContent[]>[] batches) : IChatClient
{
    private readonly ConcurrentQueue<IReadOnlyList<ChatMessage>> _seen = new();
    private readonly ConcurrentDictionary<string, List<ChatMessage>> _conversations = new(StringComparer.Ordinal);

    /// <summary>What the model was sent, call by call.</summary>
    public IReadOnlyList<IReadOnlyList<ChatMessage>> Seen => [.. _seen];

    public static Func<FunctionCallContent[]> Batch(params (string CallId, string Tool, object? Arguments)[] calls) =>
        () => [.. calls.Select(c => new FunctionCallContent(c.CallId, c.Tool, Arguments(c.Arguments)))];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // With a conversation id the caller sends only what is new; the service keeps the rest, as a real one would.
        var history = messages.ToList();
        if (options?.ConversationId is { } conversation)
        {
            var kept = _conversations.GetOrAdd(conversation, _ => []);
            lock (kept)
            {
                kept.AddRange(history);
                history = [.. kept];
            }
        }

        _seen.Enqueue(history);
        var called = history.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToHashSet(StringComparer.Ordinal);
        var results = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        foreach (var batch in batches)
        {
            var calls = batch();
            if (calls.Any(c => !called.Contains(c.CallId)))
            {
                return Task.FromResult(Answer(new ChatMessage(ChatRole.Assistant, [.. calls]), options));
            }
        }

        var text = string.Join(" | ", results.Select(r => $"{r.CallId}: {r.Result}"));
        return Task.FromResult(Answer(new ChatMessage(ChatRole.Assistant, "done. " + text), options));
    }

    private ChatResponse Answer(ChatMessage message, ChatOptions? options)
    {
        if (options?.ConversationId is { } conversation)
        {
            var kept = _conversations[conversation];
            lock (kept)
            {
                kept.Add(message);
            }
        }

        return new ChatResponse(message) { ConversationId = options?.ConversationId };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted model answers whole responses only.");

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static Dictionary<string, object?> Arguments(object? arguments) =>
        arguments is null
            ? []
            : System.Text.Json.JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
}
