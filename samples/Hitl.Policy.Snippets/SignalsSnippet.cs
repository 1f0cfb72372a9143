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

    /// <summary>The README's written router: the policy written as C#, for a test or build step of the host's own.</summary>
    public static void WriteRouter(Definition.PolicyDefinition definition, string directory)
    {
        #region write-router
        // From a test or a build step of your own, whenever the policy changes:
        var source = PolicyCompiler.Compile(definition, RefundClaim.Schema).WriteRouterSource("Hitl.Policy.Snippets", "RefundsRouter");
        File.WriteAllText(Path.Combine(directory, "RefundsRouter.g.cs"), source);
        #endregion
    }

    /// <summary>The README's written router in use.</summary>
    public static CompiledPolicy<RefundClaim> CompileWritten(Definition.PolicyDefinition definition)
    {
        #region written-router
        // With RefundsRouter.g.cs in the project: every rule an if with its constants in place, the same decisions.
        var policy = PolicyCompiler.Compile(definition, RefundClaim.Schema, new RefundsRouter());
        // True while the file was written for exactly this policy; otherwise the interpreter routes, deciding the same.
        var precompiled = policy.IsPrecompiled;
        #endregion
        return precompiled ? policy : throw new InvalidOperationException("RefundsRouter.g.cs was written for another policy.");
    }
}
