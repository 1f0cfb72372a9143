namespace Hitl.Policy.Feedback;

/// <summary>
/// The outcomes of the cases of one action type that carry one value of one segment (for example <c>region</c> =
/// <c>south</c>), each rate with its confidence interval.
/// </summary>
public sealed record SegmentOutcomes
{
    /// <summary>The action type.</summary>
    public required string ActionType { get; init; }

    /// <summary>The segment's name, for example <c>region</c>.</summary>
    public required string Segment { get; init; }

    /// <summary>The segment's value, for example <c>south</c>.</summary>
    public required string Value { get; init; }

    /// <summary>How many cases of the action type carry this value.</summary>
    public int Cases { get; init; }

    /// <summary>Cases the policy let run without a person first, over <see cref="Cases"/>.</summary>
    public required RateEstimate AutoExecuted { get; init; }

    /// <summary>Cases the policy routed to review or escalation, over <see cref="Cases"/>.</summary>
    public required RateEstimate Reviewed { get; init; }

    /// <summary>
    /// Answered reviews (reviewed cases whose last approve, edit or reject act is one of those) that ended approved, as
    /// they were or edited, over the answered reviews.
    /// </summary>
    public required RateEstimate Approved { get; init; }

    /// <summary>Answered reviews that ended edited (then approved), over the answered reviews.</summary>
    public required RateEstimate Edited { get; init; }

    /// <summary>Answered reviews that ended rejected, over the answered reviews.</summary>
    public required RateEstimate Rejected { get; init; }

    /// <summary>Auto-executed cases that a person overrode afterwards, over the auto-executed cases.</summary>
    public required RateEstimate Overridden { get; init; }

    /// <summary>Executed cases (auto-executed, or approved in review) whose action was reversed, over the executed cases.</summary>
    public required RateEstimate Reversed { get; init; }
}
