namespace Hitl.Policy;

/// <summary>Where a rule came from in the policy.</summary>
public enum RuleKind
{
    /// <summary>A confidence band.</summary>
    ConfidenceBand,

    /// <summary>A risk threshold.</summary>
    RiskThreshold,

    /// <summary>An impact tier.</summary>
    ImpactTier,

    /// <summary>An evidence-quality threshold.</summary>
    EvidenceThreshold,

    /// <summary>A reversibility gate.</summary>
    ReversibilityGate,

    /// <summary>The sensitive-matters gate.</summary>
    SensitiveGate,

    /// <summary>The vulnerable-person gate.</summary>
    VulnerableGate,

    /// <summary>A business rule.</summary>
    BusinessRule,
}
