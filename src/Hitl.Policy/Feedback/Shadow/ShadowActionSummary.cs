namespace Hitl.Policy.Feedback;

/// <summary>The shadow comparison for one action type.</summary>
public sealed record ShadowActionSummary
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>How many cases were compared.</summary>
    public int Observed { get; init; }

    /// <summary>How many differ in route or tier (or the candidate threw).</summary>
    public int Differing { get; init; }

    /// <summary>Cases where the candidate is less restrictive.</summary>
    public int CandidateLooser { get; init; }

    /// <summary>Cases where the candidate is more restrictive.</summary>
    public int CandidateStricter { get; init; }

    /// <summary>Cases with the same route and another tier.</summary>
    public int TierOnly { get; init; }

    /// <summary>Cases where the candidate threw.</summary>
    public int CandidateFaults { get; init; }

    /// <summary>
    /// What reviewers decided where the candidate is looser. Overridden ones are the candidate's cost: outputs people
    /// did not accept that it would have let through with less oversight.
    /// </summary>
    public required VerdictCounts LooserVerdicts { get; init; }

    /// <summary>
    /// What people decided where the candidate is stricter. Overridden ones are the candidate's catch: outputs people
    /// did not accept that it would have held for more oversight.
    /// </summary>
    public required VerdictCounts StricterVerdicts { get; init; }
}
