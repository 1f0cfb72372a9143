using Hitl.Policy.AspNetCore.Inbox;
using Hitl.Policy.Review;

namespace Hitl.Policy.AspNetCore.Tests;

/// <summary>How a refusal reads on a page: what to do first, the gate's words, and never the store's own words.</summary>
public sealed class RefusalTextTests
{
    private const string StoreWords = "The case store PostgreSQL db.internal:5432/hitl (schema hitl) could not connect";

    [Theory]
    [InlineData(ReviewErrorCode.StoreUnavailable)]
    [InlineData(ReviewErrorCode.AuditAppendFailed)]
    [InlineData(ReviewErrorCode.ReviewSinkFailed)]
    public void A_store_or_sink_failure_says_the_act_did_not_take_effect_without_naming_the_store(ReviewErrorCode code)
    {
        var ex = new ReviewException(code, "c", "jules", "The case store could not record the act: " + StoreWords, new CaseStoreException(StoreWords));

        var text = InboxRefusals.Describe(ex);

        Assert.Contains("did not take effect", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5432", text, StringComparison.Ordinal);
        Assert.DoesNotContain("db.internal", text, StringComparison.Ordinal);
        Assert.Equal(503, InboxRefusals.Status(code));
    }

    [Fact]
    public void A_commit_lost_midway_says_it_may_or_may_not_be_on_record()
    {
        var ex = new ReviewException(ReviewErrorCode.AuditAppendFailed, "c", "jules", StoreWords, new CaseStoreException(StoreWords) { MayHaveBeenWritten = true });

        var text = InboxRefusals.Describe(ex);

        Assert.Contains("may or may not be on record", text, StringComparison.Ordinal);
        Assert.DoesNotContain("5432", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReviewErrorCode.TierTooLow, 403, "Your tier is too low")]
    [InlineData(ReviewErrorCode.DeadlinePassed, 409, "The review deadline passed")]
    [InlineData(ReviewErrorCode.CaseClosed, 409, "The case is closed already.")]
    [InlineData(ReviewErrorCode.MissingReason, 400, "A reason is missing.")]
    [InlineData(ReviewErrorCode.CaseNotFound, 404, "The act was refused.")]
    public void A_refusal_of_the_gate_leads_with_what_to_know_then_gives_the_gate_s_words(ReviewErrorCode code, int status, string lead)
    {
        var text = InboxRefusals.Describe(new ReviewException(code, "c", "jules", "the gate's own sentence"));

        Assert.StartsWith(lead, text, StringComparison.Ordinal);
        Assert.Contains("the gate's own sentence", text, StringComparison.Ordinal);
        Assert.Equal(status, InboxRefusals.Status(code));
    }
}
