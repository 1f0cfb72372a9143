namespace Hitl.Policy.Feedback;

/// <summary>What people concluded on the cases where one rule fired.</summary>
public sealed record RuleStats
{
    /// <summary>The rule id.</summary>
    public required string RuleId { get; init; }

    /// <summary>Cases where the rule fired.</summary>
    public int Cases { get; init; }

    /// <summary>Of those, cases with a verdict.</summary>
    public int Judged { get; init; }

    /// <summary>Judged cases accepted as they were, over judged.</summary>
    public double? AgreementRate { get; init; }

    /// <summary>Judged cases not accepted as they were, over judged.</summary>
    public double? OverrideRate { get; init; }

    /// <summary>Cases that went to a higher tier, over cases.</summary>
    public double? EscalationFrequency { get; init; }

    /// <summary>The median time to the first review answer, in seconds.</summary>
    public double? MedianReviewSeconds { get; init; }
}
