namespace Hitl.Policy.Review;

/// <summary>Why the review gate refused a request. One enum for every refusal; <see cref="ReviewException"/> carries it.</summary>
public enum ReviewErrorCode
{
    /// <summary>No case has the given id.</summary>
    CaseNotFound,

    /// <summary>The case is closed (approved, rejected, blocked, overridden or reversed); the act needs an open case.</summary>
    CaseClosed,

    /// <summary>The act does not apply to the case's state, for example an override of a case that did not auto-execute.</summary>
    InvalidState,

    /// <summary>The reviewer is not in the reviewer directory.</summary>
    UnknownReviewer,

    /// <summary>The reviewer does not hold the role the act needs.</summary>
    MissingRole,

    /// <summary>The reviewer's tier is below the tier the case requires (or the tier is not one of the policy's).</summary>
    TierTooLow,

    /// <summary>The requester of a case cannot approve it (separation of duties).</summary>
    RequesterCannotApprove,

    /// <summary>The subject (the affected person) of a case cannot approve it.</summary>
    SubjectCannotApprove,

    /// <summary>A contested case needs a fresh pair of eyes: a reviewer who decided it before cannot decide it again.</summary>
    ReviewerAlreadyDecided,

    /// <summary>Only the subject of a case may contest it.</summary>
    NotTheSubject,

    /// <summary>The case already needs the highest tier; there is no tier to escalate to.</summary>
    NoHigherTier,

    /// <summary>A reason code (or, for a rejection, a reason) is required and missing.</summary>
    MissingReason,

    /// <summary>An edit-then-approve came without an edited payload.</summary>
    MissingPayload,

    /// <summary>A reversal needs a compensation hook and none is registered.</summary>
    NoCompensationHook,

    /// <summary>The compensation hook failed; the case stays as it was and a correction is on record.</summary>
    CompensationFailed,

    /// <summary>The audit store could not append the record; the act did not take effect.</summary>
    AuditAppendFailed,

    /// <summary>The review sink could not take the ticket; the case stays pending, never executed.</summary>
    ReviewSinkFailed,

    /// <summary>
    /// The case passed its review deadline before the act: the act is refused and the case took its fallback
    /// (escalate or block), whether or not a sweep had run.
    /// </summary>
    DeadlinePassed,

    /// <summary>
    /// The decision handed to the gate is not the one the gate's policy gives for the context (a stale policy version,
    /// a kill switch engaged since, or a decision made for other signals); route again, or leave the decision out.
    /// </summary>
    DecisionMismatch,

    /// <summary>
    /// The action type withholds the model's suggestion: the reviewer must record an independent decision (and, to
    /// approve the suggestion as it is, see it) before approving.
    /// </summary>
    IndependentDecisionRequired,

    /// <summary>
    /// The case kept changing under the act (other gates or instances on the same case store acted at the same time),
    /// and the act gave up after reading it again many times; nothing was done by this act.
    /// </summary>
    Conflict,

    /// <summary>The case store could not be read, so the act was not checked and nothing was done.</summary>
    StoreUnavailable,

    /// <summary>The host reported an execution the gate did not allow, or reported it twice.</summary>
    NotExecutable,

    /// <summary>A payload (submitted or edited) is longer than <see cref="ReviewGateOptions.MaxPayloadLength"/>; nothing was recorded.</summary>
    PayloadTooLarge,
}
