using System.Runtime.CompilerServices;
using Hitl.Policy.Review;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// MEAI's approval flow, only where the policy says so. Placed in front of a <see cref="FunctionInvokingChatClient"/>
/// (<c>.UseHitlApprovals(tools).UseFunctionInvocation()</c>), it routes every call of a gated tool before it runs: calls the
/// policy auto-executes run, calls it blocks are answered with the refusal, and only calls it routes to review reach the
/// caller, as <see cref="ToolApprovalRequestContent"/> with <see cref="ToolApprovalRequestContent.RequiresConfirmation"/>
/// set (the others in the batch are answered already, and marked as needing no confirmation). The caller's
/// <see cref="ToolApprovalResponseContent"/> (made with <see cref="HitlApprovals.CreateHitlResponse"/>, which names the
/// reviewer) is recorded as a gate act before the call runs; an answer the gate refuses (an unknown reviewer, a tier too
/// low, the requester approving their own call) throws <see cref="ReviewException"/> and nothing runs.
/// </summary>
/// <remarks>
/// The gated tool stays the enforcement point: it runs only what its case says to run (the approved, possibly edited,
/// arguments, once), whatever the messages carry. Streaming requests are answered from one full response, turned into updates.
/// </remarks>
public sealed class HitlApprovalsChatClient : DelegatingChatClient
{
    private const int MaxAutoRounds = 40;
    private readonly ToolGate _tools;
    private readonly HitlApprovalsOptions _options;

    /// <summary>Puts the approval flow in front of a chat client that invokes functions.</summary>
    /// <param name="innerClient">The client, with a <see cref="FunctionInvokingChatClient"/> in it.</param>
    /// <param name="tools">The gate the tools go through.</param>
    /// <param name="options">Where the reviewer's identity comes from; the defaults when omitted.</param>
    public HitlApprovalsChatClient(IChatClient innerClient, ToolGate tools, HitlApprovalsOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _tools = tools;
        _options = options ?? new HitlApprovalsOptions();
        if (_options.ReviewerFrom is null)
        {
            throw new ArgumentException("HitlApprovalsOptions.ReviewerFrom is null; leave it at its default (the reviewer id CreateHitlResponse puts in the answer) or give a function.", nameof(options));
        }
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages.ToList();
        await RecordAnswersAsync(history, options, cancellationToken).ConfigureAwait(false);
        var asking = WithApprovalRequests(options);
        var carried = new List<ChatMessage>();
        for (var round = 0; ; round++)
        {
            var response = await base.GetResponseAsync(history, asking, cancellationToken).ConfigureAwait(false);
            var requests = Unanswered(response.Messages);
            if (requests.Count == 0 || round >= MaxAutoRounds)
            {
                return WithCarried(response, carried);
            }

            var conversationId = options?.ConversationId ?? response.ConversationId;
            var answers = new List<AIContent>();
            var forCaller = false;
            foreach (var request in requests)
            {
                var answer = await AnswerAsync(request, asking, conversationId, cancellationToken).ConfigureAwait(false);
                if (answer is null)
                {
                    forCaller = true;
                }
                else
                {
#pragma warning disable MEAI001 // RequiresConfirmation: the gate answered it; the caller has nothing to confirm.
                    request.RequiresConfirmation = false;
#pragma warning restore MEAI001
                    answers.Add(answer);
                }
            }

            if (forCaller)
            {
                // The caller answers the rest; the answered ones travel with the response, so that its next request holds every answer.
                if (answers.Count > 0)
                {
                    response.Messages.Add(new ChatMessage(ChatRole.User, answers) { AuthorName = HitlApprovals.AuthorName });
                }

                return WithCarried(response, carried);
            }

            // Every call of the batch is answered: hand the answers to the function-invoking client, which runs the approved ones.
            carried.AddRange(WithoutApprovalRequests(response.Messages));
            history.AddRange(response.Messages);
            history.Add(new ChatMessage(ChatRole.User, answers) { AuthorName = HitlApprovals.AuthorName });
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <summary>Answers one approval request for the caller, or returns null when a person must (the case is open).</summary>
    private async ValueTask<AIContent?> AnswerAsync(ToolApprovalRequestContent request, ChatOptions? options, string? conversationId, CancellationToken cancellationToken)
    {
        var call = (FunctionCallContent)request.ToolCall;
        if (FindGated(options, call.Name) is not { } function)
        {
#pragma warning disable MEAI001 // RequiresConfirmation: false means the tool itself asks for no confirmation.
            return request.RequiresConfirmation ? null : request.CreateResponse(true);
#pragma warning restore MEAI001
        }

        if (!ToolGate.TryReadArguments(function, new AIFunctionArguments(call.Arguments ?? new Dictionary<string, object?>()), out var json, out var problem))
        {
            return request.CreateResponse(false, ToolGate.Refusal(call.Name, call.CallId, null, "invalid-arguments", null, $"its arguments could not be read ({problem})").Message);
        }

        var opened = await _tools.OpenAsync(function, json, call.CallId, conversationId, call, cancellationToken).ConfigureAwait(false);
        if (opened.CaseId is { } caseId)
        {
            (call.AdditionalProperties ??= [])[ToolGate.CaseIdProperty] = caseId;
        }

        if (opened.Refusal is { } refusal)
        {
            return request.CreateResponse(false, refusal.Message);
        }

        var result = opened.Result!;
        if (result.MayExecute)
        {
            return request.CreateResponse(true, $"The policy lets it run ({result.Decision.DecidedBy}).");
        }

        var ticket = result.Ticket;
        var properties = request.AdditionalProperties ??= [];
        properties[ToolGate.CaseIdProperty] = result.CaseId;
        properties[HitlApprovals.RouteProperty] = result.Route.ToJsonName();
        properties[HitlApprovals.RequiredTierProperty] = ticket?.RequiredTier;
        properties[HitlApprovals.RequiredApprovalsProperty] = ticket?.RequiredApprovals;
        properties[HitlApprovals.WhyProperty] = ticket?.Why;
        properties[HitlApprovals.DeadlineProperty] = ticket?.DeadlineAt;
#pragma warning disable MEAI001
        request.RequiresConfirmation = true;
#pragma warning restore MEAI001
        return null;
    }

    /// <summary>Records the caller's answers to the open cases of gated calls as acts of the named reviewers.</summary>
    private async ValueTask RecordAnswersAsync(List<ChatMessage> history, ChatOptions? options, CancellationToken cancellationToken)
    {
        HashSet<string>? done = null;
        foreach (var message in history)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionResultContent result)
                {
                    (done ??= new(StringComparer.Ordinal)).Add(result.CallId);
                }
            }
        }

        foreach (var message in history)
        {
            foreach (var content in message.Contents)
            {
                if (content is not ToolApprovalResponseContent { ToolCall: FunctionCallContent call } answer
                    || done?.Contains(call.CallId) is true || ToolGate.CaseIdOf(call) is not { } caseId)
                {
                    continue;
                }

                var view = await _tools.Gate.GetCaseAsync(caseId, cancellationToken).ConfigureAwait(false);
                if (view is not { State: CaseState.Pending } || !ToolGate.Belongs(view, call.Name, call.CallId))
                {
                    continue; // decided already (by the policy, an earlier answer, or the inbox), or not this call's: the tool checks again
                }

                var reviewer = _options.ReviewerFrom(answer, options);
                if (string.IsNullOrWhiteSpace(reviewer))
                {
                    throw new ReviewException(ReviewErrorCode.UnknownReviewer, caseId, null,
                        $"The answer to the approval request of tool call '{call.CallId}' ({call.Name}, case '{caseId}') names no reviewer; make it with CreateHitlResponse(..., reviewerId) or set HitlApprovalsOptions.ReviewerFrom. Nothing was recorded or run.");
                }

                if (view.Approvers.Contains(reviewer, StringComparer.Ordinal))
                {
                    continue; // this reviewer's approval is on record already (the request was sent again)
                }

                var reasonCode = HitlApprovals.ReasonCodeOf(answer) ?? (answer.Approved ? "approved-in-conversation" : "rejected-in-conversation");
                var act = new HumanAct(caseId, reviewer, reasonCode, answer.Reason ?? (answer.Approved ? null : "Rejected in the conversation."));
                if (!answer.Approved)
                {
                    _ = await _tools.Gate.RejectAsync(act, cancellationToken).ConfigureAwait(false);
                }
                else if (HitlApprovals.EditedArgumentsOf(answer) is { } edited)
                {
                    _ = await _tools.Gate.EditAndApproveAsync(act, edited, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _ = await _tools.Gate.ApproveAsync(act, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private ChatOptions? WithApprovalRequests(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools || !tools.Any(t => t is GatedAIFunction g && ReferenceEquals(g.Owner, _tools)))
        {
            return options;
        }

        var asking = options.Clone();
        asking.Tools = [.. tools.Select(t => t is GatedAIFunction g && ReferenceEquals(g.Owner, _tools) ? new ApprovalRequiredAIFunction(g) : t)];
        return asking;
    }

    private GatedAIFunction? FindGated(ChatOptions? options, string name)
    {
        foreach (var tool in options?.Tools ?? [])
        {
            if (string.Equals(tool.Name, name, StringComparison.Ordinal) && tool.GetService<GatedAIFunction>() is { } gated && ReferenceEquals(gated.Owner, _tools))
            {
                return gated;
            }
        }

        return null;
    }

    /// <summary>The approval requests of function calls in the messages that no message answers.</summary>
    internal static List<ToolApprovalRequestContent> Unanswered(IEnumerable<ChatMessage> messages)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var content in list.SelectMany(m => m.Contents))
        {
            if (content is ToolApprovalResponseContent response)
            {
                answered.Add(response.RequestId);
            }
        }

        return [.. list.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>()
            .Where(r => r.ToolCall is FunctionCallContent { InformationalOnly: false } && !answered.Contains(r.RequestId))];
    }

    private static IEnumerable<ChatMessage> WithoutApprovalRequests(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            if (!message.Contents.Any(c => c is ToolApprovalRequestContent))
            {
                yield return message;
                continue;
            }

            var kept = message.Contents.Where(c => c is not ToolApprovalRequestContent).ToList();
            if (kept.Count > 0)
            {
                var copy = message.Clone();
                copy.Contents = kept;
                yield return copy;
            }
        }
    }

    private static ChatResponse WithCarried(ChatResponse response, List<ChatMessage> carried)
    {
        if (carried.Count > 0)
        {
            response.Messages = [.. carried, .. response.Messages];
        }

        return response;
    }
}
