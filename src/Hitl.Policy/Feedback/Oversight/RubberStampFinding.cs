namespace Hitl.Policy.Feedback;

/// <summary>A reviewer who approves far faster than their peers with almost no edits or rejections.</summary>
public sealed record RubberStampFinding
{
    /// <summary>The reviewer.</summary>
    public required string Reviewer { get; init; }

    /// <summary>Their reviews.</summary>
    public int Reviews { get; init; }

    /// <summary>Their median review time, in seconds.</summary>
    public double MedianReviewSeconds { get; init; }

    /// <summary>The median review time of everyone else's reviews on the same action types, in seconds.</summary>
    public double PeerMedianReviewSeconds { get; init; }

    /// <summary>Their override rate (edited or rejected over reviews).</summary>
    public double OverrideRate { get; init; }

    /// <summary>The peers' pooled override rate on the same action types.</summary>
    public double PeerOverrideRate { get; init; }

    /// <summary>The finding in a sentence.</summary>
    public required string Reason { get; init; }
}
