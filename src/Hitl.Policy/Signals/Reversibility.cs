using System.Text.Json.Serialization;

namespace Hitl.Policy;

/// <summary>How hard an action is to undo, ordered from easiest to hardest.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Reversibility>))]
public enum Reversibility : byte
{
    /// <summary>The action can be undone cheaply (a draft, a reversible refund).</summary>
    [JsonStringEnumMemberName("reversible")]
    Reversible = 0,

    /// <summary>The action can be undone, at a cost (a sent invoice, a shipped order).</summary>
    [JsonStringEnumMemberName("costly-to-reverse")]
    CostlyToReverse = 1,

    /// <summary>The action cannot be undone (a sent e-mail, a deleted record, a wire transfer).</summary>
    [JsonStringEnumMemberName("irreversible")]
    Irreversible = 2,
}
