namespace Hitl.Policy.Review;

/// <summary>
/// Reverses an action that already ran: refunds the refund, recalls the e-mail, rolls back the tool call. The gate
/// calls it for <c>ReverseAsync</c> and <c>OverrideAsync</c>, after the act is on the audit record.
/// </summary>
/// <remarks>
/// When it throws, the gate appends a <see cref="Audit.ActKind.Corrected"/> record that supersedes the act, leaves the
/// case as it was, and throws <see cref="ReviewException"/> with <see cref="ReviewErrorCode.CompensationFailed"/>.
/// </remarks>
public interface ICompensationHook
{
    /// <summary>Reverses one executed action.</summary>
    /// <param name="request">What to reverse and why.</param>
    /// <param name="cancellationToken">Cancels the reversal.</param>
    /// <returns>A task that completes when the action is reversed.</returns>
    ValueTask CompensateAsync(CompensationRequest request, CancellationToken cancellationToken = default);
}
