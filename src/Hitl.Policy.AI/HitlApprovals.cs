using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// The caller's side of <see cref="HitlApprovalsChatClient"/>: which approval requests wait for a person, and the answer
/// that names who gave it.
/// </summary>
/// <example>
/// <code>
/// foreach (var request in HitlApprovals.AwaitingPerson(response))
/// {
///     var approved = await AskAsync(request);  // the host's own prompt
///     messages.Add(new ChatMessage(ChatRole.User, [request.CreateHitlResponse(approved, reviewerId: user.Id)]));
/// }
/// </code>
/// </example>
public static class HitlApprovals
{
    /// <summary>The <see cref="ChatMessage.AuthorName"/> of the messages that carry the gate's own answers.</summary>
    public const string AuthorName = "hitl";

    /// <summary>The key, in an answer's <see cref="AIContent.AdditionalProperties"/>, of the reviewer's id (as in the reviewer directory).</summary>
    public const string ReviewerIdProperty = "hitl.reviewerId";

    /// <summary>The key, in an answer's additional properties, of the reviewer's reason code.</summary>
    public const string ReasonCodeProperty = "hitl.reasonCode";

    /// <summary>The key, in an answer's additional properties, of the arguments as the reviewer edited them (a JSON object, as text).</summary>
    public const string EditedArgumentsProperty = "hitl.editedArguments";

    /// <summary>The key, in a request's additional properties, of the route the policy gave the call (<c>review</c> or <c>escalate</c>).</summary>
    public const string RouteProperty = "hitl.route";

    /// <summary>The key, in a request's additional properties, of the reviewer tier the call needs.</summary>
    public const string RequiredTierProperty = "hitl.requiredTier";

    /// <summary>The key, in a request's additional properties, of how many distinct approvals the call needs.</summary>
    public const string RequiredApprovalsProperty = "hitl.requiredApprovals";

    /// <summary>The key, in a request's additional properties, of why the policy stopped the call (its explanation).</summary>
    public const string WhyProperty = "hitl.why";

    /// <summary>The key, in a request's additional properties, of when the review falls back (escalate or block) if nobody decides.</summary>
    public const string DeadlineProperty = "hitl.deadlineAt";

    /// <summary>The approval requests in a response that wait for a person's answer (the gate answered the others).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The requests, in order.</returns>
    public static IReadOnlyList<ToolApprovalRequestContent> AwaitingPerson(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return HitlApprovalsChatClient.Unanswered(response.Messages);
    }

    /// <summary>Answers an approval request, naming the reviewer: the gate records it as their act.</summary>
    /// <param name="request">The request.</param>
    /// <param name="approved">Whether the reviewer approves the call.</param>
    /// <param name="reviewerId">The reviewer's id, as the reviewer directory knows them.</param>
    /// <param name="reason">The reviewer's reason (a rejection without one is recorded as "Rejected in the conversation.").</param>
    /// <param name="reasonCode">A machine-readable reason code; <c>approved-in-conversation</c> or <c>rejected-in-conversation</c> when omitted.</param>
    /// <param name="editedArguments">The arguments as the reviewer changed them, when they approve a changed call.</param>
    /// <returns>The answer, to send back in the next request.</returns>
    public static ToolApprovalResponseContent CreateHitlResponse(
        this ToolApprovalRequestContent request, bool approved, string reviewerId, string? reason = null, string? reasonCode = null,
        IReadOnlyDictionary<string, object?>? editedArguments = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewerId);
        if (editedArguments is not null && !approved)
        {
            throw new ArgumentException("Edited arguments go with an approval; a rejection stops the call.", nameof(editedArguments));
        }

        var response = request.CreateResponse(approved, reason);
        var properties = response.AdditionalProperties ??= [];
        properties[ReviewerIdProperty] = reviewerId;
        if (reasonCode is not null)
        {
            properties[ReasonCodeProperty] = reasonCode;
        }

        if (editedArguments is not null)
        {
            properties[EditedArgumentsProperty] = JsonSerializer.Serialize(editedArguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IReadOnlyDictionary<string, object?>)));
        }

        return response;
    }

    internal static string? ReviewerIdOf(ToolApprovalResponseContent response) => ToolGate.TextProperty(response, ReviewerIdProperty);

    internal static string? ReasonCodeOf(ToolApprovalResponseContent response) => ToolGate.TextProperty(response, ReasonCodeProperty);

    internal static string? EditedArgumentsOf(ToolApprovalResponseContent response) => ToolGate.TextProperty(response, EditedArgumentsProperty);
}

/// <summary>Where <see cref="HitlApprovalsChatClient"/> finds who answered an approval request.</summary>
public sealed class HitlApprovalsOptions
{
    /// <summary>
    /// The reviewer who gave an answer. By default the id <see cref="HitlApprovals.CreateHitlResponse"/> put in it; set it to
    /// read the host's signed-in user instead. An answer without a reviewer is refused: an approval is a person's act.
    /// </summary>
    public Func<ToolApprovalResponseContent, ChatOptions?, string?> ReviewerFrom { get; set; } = static (answer, _) => HitlApprovals.ReviewerIdOf(answer);
}

/// <summary>Puts <see cref="HitlApprovalsChatClient"/> in a chat pipeline.</summary>
public static class HitlApprovalsChatClientBuilderExtensions
{
    /// <summary>
    /// Routes every call of the gated tools before it runs, and asks the caller only about the calls the policy routes to
    /// review. Call it before <c>UseFunctionInvocation()</c>, so that it sits in front of the function-invoking client.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="tools">The gate the tools go through (the tools in <see cref="ChatOptions.Tools"/> are its <see cref="GatedAIFunction"/>s).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The pipeline.</returns>
    public static ChatClientBuilder UseHitlApprovals(this ChatClientBuilder builder, ToolGate tools, Action<HitlApprovalsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tools);
        var options = new HitlApprovalsOptions();
        configure?.Invoke(options);
        return builder.Use(inner => new HitlApprovalsChatClient(inner, tools, options));
    }
}
