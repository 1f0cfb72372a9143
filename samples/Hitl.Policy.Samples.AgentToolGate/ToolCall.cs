namespace Hitl.Policy.Samples.AgentToolGate;

/// <summary>One tool call an agent wants to make, as the agent runtime sees it before running it.</summary>
internal readonly record struct ToolCall(
    int Step,
    string Tool,
    string Access,
    double Confidence,
    Reversibility Reversibility,
    bool TouchesProduction = false,
    int ExternalRecipients = 0)
{
    /// <summary>How the policy reads a tool call: the standard signals and the host fields agent-tool-gate.json declares.</summary>
    public static SignalSchema<ToolCall> Schema { get; } = new SignalSchema<ToolCall>()
        .ActionType(static (in ToolCall _) => "agent.tool-call")
        .Confidence(static (in ToolCall c) => c.Confidence)
        .Reversibility(static (in ToolCall c) => c.Reversibility)
        .Text("tool.name", static (in ToolCall c) => c.Tool)
        .Text("tool.access", static (in ToolCall c) => c.Access)
        .Flag("tool.touchesProduction", static (in ToolCall c) => c.TouchesProduction)
        .Number("tool.externalRecipients", static (in ToolCall c) => c.ExternalRecipients)
        .Number("agent.step", static (in ToolCall c) => c.Step);
}
