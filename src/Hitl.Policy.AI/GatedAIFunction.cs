using Microsoft.Extensions.AI;

namespace Hitl.Policy.AI;

/// <summary>
/// A tool whose every call goes through a <see cref="ToolGate"/>: routed on its arguments, run only when the gate says so,
/// answered with a <see cref="ToolCallRefusal"/> when it may not run. Made by <see cref="ToolGate.Wrap(AIFunction)"/>; the
/// model sees the same name, description and JSON schema as the tool it wraps.
/// </summary>
public sealed class GatedAIFunction : DelegatingAIFunction
{
    internal GatedAIFunction(ToolGate owner, AIFunction inner, BoundTool tool)
        : base(inner)
    {
        Owner = owner;
        Tool = tool;
    }

    /// <summary>The gate the calls go through.</summary>
    public ToolGate Owner { get; }

    /// <summary>The action type the policy routes the tool's calls as.</summary>
    public string ActionType => Tool.Mapping.ActionTypeName;

    /// <summary>How reversible the tool's calls count as (from its mapping or its metadata; irreversible when neither says).</summary>
    public Reversibility Reversibility => Tool.Reversibility;

    internal BoundTool Tool { get; }

    /// <summary>Reads a call as the policy does: for <see cref="ToolGate.Explain"/>, or to route it without running it.</summary>
    /// <param name="arguments">The call's arguments.</param>
    /// <param name="callId">The model's tool-call id, when there is one.</param>
    /// <param name="conversationId">The conversation id, when there is one.</param>
    /// <returns>The call.</returns>
    /// <exception cref="ArgumentException">The arguments cannot be written as JSON.</exception>
    public ToolCall Read(IDictionary<string, object?> arguments, string? callId = null, string? conversationId = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!ToolGate.TryReadArguments(this, new AIFunctionArguments(arguments), out var json, out var problem))
        {
            throw new ArgumentException($"The arguments of '{Name}' cannot be written as JSON: {problem}", nameof(arguments));
        }

        return Read(new ToolCallSource(Name, json, null), callId, conversationId);
    }

    internal ToolCall Read(ToolCallSource source, string? callId, string? conversationId)
    {
        var confidence = Tool.Mapping.Owner.ConfidenceOf(source);
        return new ToolCall(Tool, source.Arguments, callId, conversationId, confidence ?? double.NaN);
    }

    internal ValueTask<object?> InvokeInnerAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        InnerFunction.InvokeAsync(arguments, cancellationToken);

    /// <inheritdoc/>
    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        Owner.InvokeAsync(this, arguments, cancellationToken);
}
