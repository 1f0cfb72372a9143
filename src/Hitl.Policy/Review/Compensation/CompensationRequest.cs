namespace Hitl.Policy.Review;

/// <summary>What an <see cref="ICompensationHook"/> is asked to reverse.</summary>
public sealed record CompensationRequest
{
    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The host's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>The payload that ran (the edited one, when a reviewer edited it).</summary>
    public required string ExecutedPayload { get; init; }

    /// <summary>Whether the act is an override of an auto-executed decision (otherwise a reversal).</summary>
    public required bool IsOverride { get; init; }

    /// <summary>Who asked for it.</summary>
    public required string Actor { get; init; }

    /// <summary>The reason code.</summary>
    public required string ReasonCode { get; init; }

    /// <summary>The reason in the actor's words.</summary>
    public string? Reason { get; init; }

    /// <summary>The sequence number of the audit record of the act.</summary>
    public required long AuditSequence { get; init; }
}
