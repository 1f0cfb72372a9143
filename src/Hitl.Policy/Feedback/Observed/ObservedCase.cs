namespace Hitl.Policy.Feedback;

/// <summary>
/// One case read back from the audit trail: what the policy decided (action type, confidence, risk, route, rules)
/// and what people concluded about it. Build these with <see cref="ObservedCases"/>.
/// </summary>
public sealed record ObservedCase
{
    /// <summary>The case id shared by the case's audit records.</summary>
    public required string CaseId { get; init; }

    /// <summary>The action type, for example <c>loan.approve</c>.</summary>
    public required string ActionType { get; init; }

    /// <summary>The model's confidence when the decision was made, when recorded.</summary>
    public double? Confidence { get; init; }

    /// <summary>The risk score when the decision was made, when recorded.</summary>
    public double? Risk { get; init; }

    /// <summary>The route the policy decided.</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The required reviewer tier's name, when a person was needed.</summary>
    public string? RequiredTier { get; init; }

    /// <summary>The ids of the rules that fired.</summary>
    public IReadOnlyList<string> RulesFired { get; init; } = [];

    /// <summary>The rule (or built-in) that set the route.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The decision's flags (for example <see cref="DecisionFlags.SampledForAudit"/>).</summary>
    public DecisionFlags Flags { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>When the decision was made.</summary>
    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>What people concluded (the most severe evidence on the case).</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>
    /// The result of the after-the-fact audit of a sampled auto-executed decision: <see langword="true"/> passed,
    /// <see langword="false"/> failed, <see langword="null"/> not audited. These results alone estimate the auto path's
    /// error rate without bias: the sample is drawn by request id, not by anyone noticing a problem.
    /// </summary>
    public bool? AuditPassed { get; init; }

    /// <summary>Whether the case went to a higher tier: decided as escalate, or escalated by a reviewer.</summary>
    public bool WasEscalated { get; init; }

    /// <summary>
    /// The groups the case was put in for oversight (region, language, customer group...), by segment name, from the
    /// decision record (see <see cref="Review.CaseSegments"/>); empty when none were recorded.
    /// </summary>
    public IReadOnlyDictionary<string, string> Segments { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The human acts on the case, in trail order.</summary>
    public IReadOnlyList<RecordedAct> Acts { get; init; } = [];

    /// <summary>Whether the decision let the action run without a person first.</summary>
    public bool WasAutomatic => Route.IsAutomatic();
}
