using System.Security.Claims;

namespace Hitl.Policy.AspNetCore;

/// <summary>Settings of the reviewer inbox (<c>MapHitlInbox</c>) and the contest page (<c>MapHitlContest</c>).</summary>
public sealed class HitlInboxOptions
{
    /// <summary>The largest page of the queue and of the JSON API's list.</summary>
    public const int MaxPageSize = 100;

    /// <summary>
    /// The claim of the signed-in user that holds their reviewer id, as the reviewer directory knows it. The user's tier
    /// and roles come from the directory, never from claims.
    /// </summary>
    /// <value>The default value is <see cref="ClaimTypes.NameIdentifier"/>.</value>
    public string ReviewerClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>The claim of the signed-in user that holds their id as a case's subject (the affected person), for the contest page.</summary>
    /// <value>The default value is <see cref="ClaimTypes.NameIdentifier"/>.</value>
    public string SubjectClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// The name of the Hitl policy whose gate the inbox acts through (<c>AddHitlPolicy(name, ...)</c>), or
    /// <see langword="null"/> for the default policy's gate.
    /// </summary>
    public string? PolicyName { get; set; }

    /// <summary>How many cases a page of the queue shows (1 to <see cref="MaxPageSize"/>).</summary>
    /// <value>The default value is 25.</value>
    public int PageSize { get; set; } = 25;

    /// <summary>The heading of every page.</summary>
    /// <value>The default value is <c>Review inbox</c>.</value>
    public string Title { get; set; } = "Review inbox";

    /// <summary>The longest reason (in characters) a person may give with an act; a longer one is refused with a message.</summary>
    /// <value>The default value is 2,000.</value>
    public int MaxReasonLength { get; set; } = 2000;

    /// <summary>The reason codes a reviewer picks from to reject a case (the first is preselected).</summary>
    public IList<string> RejectReasonCodes { get; } = ["wrong-content", "wrong-amount", "policy-violation", "insufficient-evidence", "harmful", "other"];

    /// <summary>The reason codes a reviewer picks from to escalate a case.</summary>
    public IList<string> EscalateReasonCodes { get; } = ["needs-higher-tier", "unsure", "conflict-of-interest", "other"];

    /// <summary>The reason code recorded with an approval made in the inbox.</summary>
    /// <value>The default value is <c>approved-in-inbox</c>.</value>
    public string ApproveReasonCode { get; set; } = "approved-in-inbox";

    /// <summary>The reason code recorded with an edit-then-approve made in the inbox.</summary>
    /// <value>The default value is <c>edited-in-inbox</c>.</value>
    public string EditReasonCode { get; set; } = "edited-in-inbox";

    /// <summary>The reason code recorded with a contest made on the contest page.</summary>
    /// <value>The default value is <c>contested-by-subject</c>.</value>
    public string ContestReasonCode { get; set; } = "contested-by-subject";
}
