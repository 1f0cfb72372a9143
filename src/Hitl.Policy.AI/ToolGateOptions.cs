namespace Hitl.Policy.AI;

/// <summary>How a <see cref="ToolGate"/> gates calls.</summary>
public sealed class ToolGateOptions
{
    /// <summary>
    /// Who asked for the call (the agent's user), from what the call carries; on record with the case, and never allowed
    /// to approve it. <see langword="null"/> by default: no requester is recorded.
    /// </summary>
    public Func<ToolCallSource, string?>? RequesterFrom { get; set; }

    /// <summary>
    /// How long a call waits for its case to be decided before it gives up and returns a refusal (<c>not-decided</c>).
    /// <see langword="null"/> by default: it waits until a reviewer decides or the case's deadline falls back (give
    /// tool-call rules a deadline). The case stays open for its reviewers either way; a later approval does not run this call.
    /// </summary>
    public TimeSpan? MaxWait { get; set; }

    /// <summary>Whether a refusal carries the reviewer's own reason to the model (it always carries the reason code). Default: <see langword="true"/>.</summary>
    public bool ShareReviewerReason { get; set; } = true;

    /// <summary>How long a shared reviewer reason may be, in characters; longer ones are cut. Default: 500.</summary>
    public int MaxReasonLength { get; set; } = 500;

    /// <summary>The clock the wait limit reads (the system clock by default; give the gate's own in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
