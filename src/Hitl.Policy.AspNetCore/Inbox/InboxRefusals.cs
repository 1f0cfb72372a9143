using Hitl.Policy.Review;
using Microsoft.AspNetCore.Http;

namespace Hitl.Policy.AspNetCore.Inbox;

/// <summary>A refusal of the gate as the inbox says it: an HTTP status and a sentence a reviewer can act on.</summary>
internal static class InboxRefusals
{
    public static int Status(ReviewErrorCode code) => code switch
    {
        ReviewErrorCode.CaseNotFound => StatusCodes.Status404NotFound,
        ReviewErrorCode.UnknownReviewer or ReviewErrorCode.MissingRole or ReviewErrorCode.TierTooLow
            or ReviewErrorCode.RequesterCannotApprove or ReviewErrorCode.SubjectCannotApprove
            or ReviewErrorCode.ReviewerAlreadyDecided or ReviewErrorCode.NotTheSubject => StatusCodes.Status403Forbidden,
        ReviewErrorCode.MissingReason or ReviewErrorCode.MissingPayload or ReviewErrorCode.PayloadTooLarge => StatusCodes.Status400BadRequest,
        ReviewErrorCode.StoreUnavailable or ReviewErrorCode.AuditAppendFailed or ReviewErrorCode.ReviewSinkFailed
            or ReviewErrorCode.CompensationFailed => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status409Conflict,
    };

    /// <summary>What the reviewer needs to know first, then the gate's own words.</summary>
    public static string Describe(ReviewException ex)
    {
        if (ex.Code is ReviewErrorCode.StoreUnavailable or ReviewErrorCode.AuditAppendFailed or ReviewErrorCode.ReviewSinkFailed or ReviewErrorCode.CompensationFailed)
        {
            // The gate's words name the store and its error: for the host's logs, not for the page.
            return ex.InnerException is CaseStoreException { MayHaveBeenWritten: true }
                ? "The case store lost the act midway: it may or may not be on record. Open the case again to see whether it took effect before you repeat it."
                : "The act could not be recorded (the case store or a sink did not answer), so it did not take effect. Try again in a moment.";
        }

        var lead = ex.Code switch
        {
            ReviewErrorCode.TierTooLow => "Your tier is too low for this case now.",
            ReviewErrorCode.RequesterCannotApprove => "You asked for this action, so someone else must decide it.",
            ReviewErrorCode.SubjectCannotApprove => "This case is about you, so someone else must decide it.",
            ReviewErrorCode.ReviewerAlreadyDecided => "You decided this case before it was contested; a fresh pair of eyes must decide it now.",
            ReviewErrorCode.DeadlinePassed => "The review deadline passed before your act; the case took its fallback.",
            ReviewErrorCode.CaseClosed => "The case is closed already.",
            ReviewErrorCode.NoHigherTier => "There is no higher tier to escalate to.",
            ReviewErrorCode.IndependentDecisionRequired => "Record your own decision first: the AI's suggestion is withheld for this action type.",
            ReviewErrorCode.Conflict => "Others acted on the case at the same time; yours did not take effect.",
            ReviewErrorCode.MissingReason => "A reason is missing.",
            ReviewErrorCode.PayloadTooLarge => "The payload is too long.",
            _ => "The act was refused.",
        };
        return $"{lead} {ex.Message}";
    }
}
