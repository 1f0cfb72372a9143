using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    /// <summary>
    /// Records a reviewer's own decision on a case whose AI suggestion is withheld
    /// (<see cref="ActionReviewOptions.WithholdSuggestion"/>), made before they see the suggestion. Approving such a
    /// case needs this first: edit-then-approve right after it, approve as it is only after
    /// <see cref="RevealSuggestionAsync"/>. The digest of the answer and the time go on record.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="decision">The reviewer's own answer, in the host's words or format (for example the payload they would send).</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">
    /// The act is refused (the suggestion is not withheld: <see cref="ReviewErrorCode.InvalidState"/>; or as for an approval) or
    /// could not be recorded.
    /// </exception>
    public ValueTask<ReviewCaseView> RecordIndependentDecisionAsync(HumanAct act, string decision, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.record_independent_decision", act?.CaseId, act?.ActorId, () => RecordIndependentDecisionCoreAsync(act!, decision, cancellationToken));

    private async ValueTask<ReviewCaseView> RecordIndependentDecisionCoreAsync(HumanAct act, string decision, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        if (string.IsNullOrWhiteSpace(decision))
        {
            throw Refuse(ReviewErrorCode.MissingPayload, act.CaseId, act.ActorId,
                $"An independent decision needs the reviewer's own answer; '{act.ActorId}' gave none for case '{act.CaseId}'.");
        }

        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        return await InTimeAsync(act, orHeld: false, async c =>
        {
            RequireMayDecide(c, reviewer, act);
            if (!c.SuggestionWithheld)
            {
                throw Refuse(ReviewErrorCode.InvalidState, c.Id, act.ActorId,
                    $"The suggestion of case '{c.Id}' ('{c.ActionType}') is not withheld; approve, edit or reject it directly.");
            }

            var digest = PayloadDigest.Of(decision, _options);
            var entry = OnTicket(ActEntry(c, ActKind.IndependentDecision, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, _time.GetUtcNow()), c, act) with
            {
                Data = new Dictionary<string, string>(StringComparer.Ordinal) { ["decisionDigest"] = digest },
            };
            c.IndependentDecisions[reviewer.Id] = digest;
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.IndependentDecision, reviewer.Id, act.ReasonCode);
            return c.View();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Shows a withheld AI suggestion to a reviewer who has recorded an independent decision: returns what an approval
    /// as it is would execute (the model's output, or the latest edit of it). On record with who and when.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The payload an approval would execute.</returns>
    /// <exception cref="ReviewException">
    /// No independent decision of this reviewer is on record (<see cref="ReviewErrorCode.IndependentDecisionRequired"/>), or the
    /// act is refused as an approval would be, or could not be recorded.
    /// </exception>
    public ValueTask<string> RevealSuggestionAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.reveal_suggestion", act?.CaseId, act?.ActorId, () => RevealSuggestionCoreAsync(act!, cancellationToken));

    private async ValueTask<string> RevealSuggestionCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        return await InTimeAsync(act, orHeld: false, async c =>
        {
            RequireMayDecide(c, reviewer, act);
            if (c.SuggestionWithheld)
            {
                RequireIndependentDecision(c, reviewer, seen: false);
            }

            var entry = OnTicket(ActEntry(c, ActKind.SuggestionRevealed, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, _time.GetUtcNow()), c, act) with
            {
                Data = new Dictionary<string, string>(StringComparer.Ordinal) { ["revealedDigest"] = c.ExecutedDigest },
            };
            c.RevealedTo[reviewer.Id] = c.ExecutedDigest;
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.SuggestionRevealed, reviewer.Id, act.ReasonCode);
            return c.ExecutedPayload;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The checks an approval makes of the reviewer, before the act itself: tier, separation of duties, fresh eyes.</summary>
    private void RequireMayDecide(ReviewCase c, Reviewer reviewer, HumanAct act)
    {
        RequireTier(c, reviewer, c.Tier, act);
        if (c.Requester is not null && string.Equals(c.Requester, reviewer.Id, StringComparison.Ordinal))
        {
            throw Refuse(ReviewErrorCode.RequesterCannotApprove, c.Id, reviewer.Id, $"'{reviewer.Id}' requested case '{c.Id}' and cannot approve it.");
        }

        if (c.Subject is not null && string.Equals(c.Subject, reviewer.Id, StringComparison.Ordinal))
        {
            throw Refuse(ReviewErrorCode.SubjectCannotApprove, c.Id, reviewer.Id, $"'{reviewer.Id}' is the subject of case '{c.Id}' and cannot approve it.");
        }

        RequireFreshEyes(c, act);
    }

    /// <summary>
    /// A withheld suggestion is never approved unseen: the reviewer's own decision comes first, and approving as it is
    /// also needs the reviewer to have seen exactly what would execute (<paramref name="seen"/>).
    /// </summary>
    private void RequireIndependentDecision(ReviewCase c, Reviewer reviewer, bool seen)
    {
        if (!c.IndependentDecisions.ContainsKey(reviewer.Id))
        {
            throw Refuse(ReviewErrorCode.IndependentDecisionRequired, c.Id, reviewer.Id,
                $"Case '{c.Id}' withholds the AI suggestion: '{reviewer.Id}' must record an independent decision first " +
                "(RecordIndependentDecisionAsync), then may see the suggestion (RevealSuggestionAsync) or edit-then-approve.");
        }

        if (seen && !(c.RevealedTo.TryGetValue(reviewer.Id, out var digest) && string.Equals(digest, c.ExecutedDigest, StringComparison.Ordinal)))
        {
            throw Refuse(ReviewErrorCode.IndependentDecisionRequired, c.Id, reviewer.Id,
                $"Case '{c.Id}' withholds the AI suggestion and '{reviewer.Id}' has not seen what an approval would execute" +
                (c.RevealedTo.ContainsKey(reviewer.Id) ? " (it was edited since they saw it)" : "") +
                "; reveal it first (RevealSuggestionAsync), or edit-then-approve with their own payload.");
        }
    }
}
