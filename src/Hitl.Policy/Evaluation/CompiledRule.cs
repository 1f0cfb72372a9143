namespace Hitl.Policy.Evaluation;

/// <summary>One rule of an action plan: a condition and what it proposes when it holds.</summary>
internal sealed class CompiledRule<TContext>(string id, RuleKind kind, Condition<TContext> when, Effect then, SignalReads reads, string? description)
{
    public string Id { get; } = id;

    public RuleKind Kind { get; } = kind;

    public Condition<TContext> When { get; } = when;

    public Effect Then { get; } = then;

    /// <summary>The standard signals the condition reads.</summary>
    public SignalReads Reads { get; } = reads;

    public string? Description { get; } = description;

    /// <summary>Host fields the condition may skip (later parts of all/any): checked before any rule runs.</summary>
    public FieldCheck<TContext>[] Checks { get; init; } = [];
}
