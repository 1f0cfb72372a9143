using System.Text.Json;

namespace Hitl.Policy.AI;

/// <summary>
/// One call an agent wants to make, as the policy reads it: the tool, its action type, the signals its mapping reads from
/// the call's JSON arguments and the tool's metadata, and the ids that tie it to the conversation. The context type of a
/// tool-call policy (<c>CompiledPolicy&lt;ToolCall&gt;</c>, <c>ReviewGate&lt;ToolCall&gt;</c>); <see cref="ToolSignals"/> makes it.
/// </summary>
public sealed class ToolCall
{
    internal ToolCall(BoundTool tool, JsonElement arguments, string? callId, string? conversationId, double confidence)
    {
        Tool = tool;
        var mapping = tool.Mapping;
        Arguments = arguments;
        CallId = callId;
        ConversationId = conversationId;
        Confidence = confidence;
        Numbers = new double[mapping.Owner.NumberSlots];
        Texts = new string?[mapping.Owner.TextSlots];
        Flags = new bool?[mapping.Owner.FlagSlots];
        Array.Fill(Numbers, double.NaN);
        mapping.Read(this);
    }

    /// <summary>The tool's name, as the model called it.</summary>
    public string ToolName => Tool.Mapping.ToolName;

    /// <summary>The action type the policy routes the call as (the tool's name unless its mapping says otherwise).</summary>
    public string ActionType => Tool.Mapping.ActionTypeName;

    /// <summary>The call's arguments as JSON (an object).</summary>
    public JsonElement Arguments { get; }

    /// <summary>The tool-call id the model gave, when the call came through a chat client.</summary>
    public string? CallId { get; }

    /// <summary>The conversation id, when the chat client has one.</summary>
    public string? ConversationId { get; }

    /// <summary>The model's confidence in the call, when the host supplies one (<see cref="double.NaN"/> when not).</summary>
    public double Confidence { get; }

    /// <summary>How reversible the call is: from the mapping, the tool's metadata, or irreversible when neither says.</summary>
    public Reversibility Reversibility => Tool.Reversibility;

    /// <summary>Whether the call touches sensitive matters: from the mapping or the tool's metadata (<see langword="null"/> when neither says).</summary>
    public bool? Sensitive => Tool.Sensitive;

    internal BoundTool Tool { get; }

    internal double Amount { get; set; } = double.NaN;

    internal double Risk { get; set; } = double.NaN;

    internal double Evidence { get; set; } = double.NaN;

    internal string? Category { get; set; }

    internal double[] Numbers { get; }

    internal string?[] Texts { get; }

    internal bool?[] Flags { get; }

    /// <inheritdoc/>
    public override string ToString() => CallId is null ? ToolName : $"{ToolName} ({CallId})";
}

/// <summary>A declared tool bound to the function it gates: its mapping, with the reversibility and sensitivity its metadata gives.</summary>
internal sealed record BoundTool(ToolMapping Mapping, Reversibility Reversibility, bool? Sensitive);
