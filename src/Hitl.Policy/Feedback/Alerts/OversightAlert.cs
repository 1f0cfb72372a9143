namespace Hitl.Policy.Feedback;

/// <summary>
/// A finding of an <see cref="OversightMonitor"/> check that crossed its threshold, for a person to look at. Its text
/// carries names from the audit trail (reviewers, segment values): treat it as data, encode it where it is shown.
/// </summary>
public sealed record OversightAlert
{
    /// <summary>What the alert is about.</summary>
    public required OversightAlertKind Kind { get; init; }

    /// <summary>
    /// What it names, stable from one check to the next (the monitor raises each key once while it stays open): the
    /// reviewer; <c>scope:key</c> of a drift; the action type of an auto path; <c>action/segment=value/source</c> of a disparity.
    /// </summary>
    public required string Key { get; init; }

    /// <summary>The action type, when the finding is about one.</summary>
    public string? ActionType { get; init; }

    /// <summary>The measured value: the override rate, the drift's z, the segment's ratio, the error rate's lower bound.</summary>
    public double Value { get; init; }

    /// <summary>The threshold it crossed.</summary>
    public double Threshold { get; init; }

    /// <summary>The finding in a sentence.</summary>
    public required string Message { get; init; }

    /// <summary>When the check that found it ran.</summary>
    public required DateTimeOffset At { get; init; }
}
