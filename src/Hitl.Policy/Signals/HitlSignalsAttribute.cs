namespace Hitl.Policy;

/// <summary>
/// Marks a partial host type whose signals the Hitl.Policy source generator reads: it writes a nested
/// <c>SignalReader</c> struct (an <see cref="ISignalReader{TContext}"/>) and a static <c>Schema</c> property, the
/// <see cref="SignalSchema{TContext}"/> with that reader attached. Mark each member the policy reads with
/// <see cref="SignalAttribute"/>.
/// </summary>
/// <example>
/// <code>
/// [HitlSignals]
/// public readonly partial record struct LoanRequest
/// {
///     [Signal(StandardSignals.Action)] public string? Action { get; init; }
///     [Signal(StandardSignals.Confidence)] public double ModelScore { get; init; }
///     [Signal("applicant.income")] public double Income { get; init; }
/// }
///
/// var policy = PolicyCompiler.Compile(definition, LoanRequest.Schema);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class HitlSignalsAttribute : Attribute;

/// <summary>
/// Marks a field or property of a <see cref="HitlSignalsAttribute"/> type as a signal: a standard signal (one of
/// <see cref="StandardSignals"/>) or a host-defined field that rules name. The member's type decides the kind of a host
/// field: <see cref="double"/>, <see cref="float"/>, <see cref="int"/>, <see cref="long"/> or <see cref="decimal"/> a
/// number, <see cref="string"/> a text, <see cref="bool"/> or <see cref="Nullable{Boolean}"/> a flag.
/// </summary>
/// <param name="name">The signal's name, for example <c>confidence</c> or <c>applicant.income</c>.</param>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class SignalAttribute(string name) : Attribute
{
    /// <summary>The signal's name.</summary>
    public string Name { get; } = name;
}
