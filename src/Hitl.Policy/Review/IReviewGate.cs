namespace Hitl.Policy.Review;

/// <summary>
/// The review gate as people act on it, whatever the context type the policy routes: reading cases and every human
/// act. <see cref="ReviewGate{TContext}"/> implements it; hosts, inboxes and bots that decide cases need no more than
/// this (submitting model output needs the typed gate). <c>AddReviewGate()</c> registers it next to the typed gate.
/// </summary>
public interface IReviewGate
{
    /// <summary>The case store the gate keeps its cases in.</summary>
    ICaseStore Cases { get; }

    /// <summary>The reviewer directory the gate checks every act against.</summary>
    IReviewerDirectory Reviewers { get; }

    /// <summary>The kill switch the gate obeys.</summary>
    KillSwitch KillSwitch { get; }

    /// <summary>The role a reviewer needs to decide cases (<see cref="ReviewGateOptions.ReviewerRole"/>).</summary>
    string ReviewerRole { get; }

    /// <summary>The role a person needs to turn the kill switch (<see cref="ReviewGateOptions.OperatorRole"/>).</summary>
    string OperatorRole { get; }

    /// <inheritdoc cref="ReviewGate{TContext}.TiersUpTo"/>
    IReadOnlyList<string> TiersUpTo(string tier);

    /// <inheritdoc cref="ReviewGate{TContext}.GetCaseAsync"/>
    ValueTask<ReviewCaseView?> GetCaseAsync(string caseId, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.ClaimNextAsync"/>
    ValueTask<ReviewCaseView?> ClaimNextAsync(string reviewerId, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.ApproveAsync"/>
    ValueTask<ReviewCaseView> ApproveAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.EditAndApproveAsync"/>
    ValueTask<ReviewCaseView> EditAndApproveAsync(HumanAct act, string editedPayload, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.RejectAsync"/>
    ValueTask<ReviewCaseView> RejectAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.EscalateAsync"/>
    ValueTask<ReviewCaseView> EscalateAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.OverrideAsync"/>
    ValueTask<ReviewCaseView> OverrideAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.ReverseAsync"/>
    ValueTask<ReviewCaseView> ReverseAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.ContestAsync"/>
    ValueTask<ReviewCaseView> ContestAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.RecordIndependentDecisionAsync"/>
    ValueTask<ReviewCaseView> RecordIndependentDecisionAsync(HumanAct act, string decision, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.RevealSuggestionAsync"/>
    ValueTask<string> RevealSuggestionAsync(HumanAct act, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.RecordAuditAsync"/>
    ValueTask<ReviewCaseView> RecordAuditAsync(HumanAct act, bool passed, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReviewGate{TContext}.SetLegalHoldAsync"/>
    ValueTask<ReviewCaseView> SetLegalHoldAsync(HumanAct act, bool hold, CancellationToken cancellationToken = default);
}
