namespace Hitl.Policy.Review;

/// <summary>How a case ended (this round; a contest opens a new one).</summary>
public sealed record CaseOutcome
{
    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>Whether the action runs.</summary>
    public required bool Execute { get; init; }

    /// <summary>What runs when <see cref="Execute"/> is true: the original payload, or the reviewer's edit.</summary>
    public string? Payload { get; init; }

    /// <summary>Whether a reviewer edited the payload.</summary>
    public bool Edited { get; init; }

    /// <summary>The case's state when the outcome was set.</summary>
    public required CaseState State { get; init; }

    /// <summary>
    /// Whether the action had already run before this outcome (an auto-executed action that was then overridden or
    /// contested). With <see cref="Execute"/> false the host should reverse it (or call <c>ReverseAsync</c>); with
    /// <see cref="Execute"/> true it stands and must not run twice.
    /// </summary>
    public bool AlreadyExecuted { get; init; }

    /// <summary>Who decided (the last approver, the rejecter, or <c>system</c> for a timeout).</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The reason code.</summary>
    public string? ReasonCode { get; init; }

    /// <summary>The reason, for the model's owner.</summary>
    public string? Reason { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }
}
