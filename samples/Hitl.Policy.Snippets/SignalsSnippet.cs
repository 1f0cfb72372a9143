namespace Hitl.Policy.Snippets;

#region hitl-signals
// The source generator writes RefundClaim.SignalReader and RefundClaim.Schema from the [Signal] members.
[HitlSignals]
public readonly partial record struct RefundClaim
{
    [Signal(StandardSignals.Action)] public string Action { get; init; }
    [Signal(StandardSignals.RequestId)] public string Id { get; init; }
    [Signal(StandardSignals.Confidence)] public double ModelConfidence { get; init; }
    [Signal(StandardSignals.Amount)] public decimal Amount { get; init; }
    [Signal(StandardSignals.Reversibility)] public Reversibility Reversibility { get; init; }
    [Signal("customer.chargebacks")] public int Chargebacks { get; init; }
}
#endregion

/// <summary>The README's generated schema, compiled against the Quick example's policy.</summary>
public static class SignalsSnippet
{
    /// <summary>Compiles the refunds policy with the generated schema.</summary>
    public static CompiledPolicy<RefundClaim> Compile(Definition.PolicyDefinition definition)
    {
        #region generated-schema
        var policy = PolicyCompiler.Compile(definition, RefundClaim.Schema);
        #endregion
        return policy;
    }
}
