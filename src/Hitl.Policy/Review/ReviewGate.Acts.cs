using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    private const string SubjectRole = "subject";

    /// <summary>
    /// Approves a pending case as it is. The reviewer needs the reviewer role and at least the case's tier, and may be
    /// neither its requester nor its subject. When enough distinct reviewers have approved, the outcome says execute.
    /// The same reviewer approving twice counts once (and is recorded once).
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused or could not be recorded; <see cref="ReviewException.Code"/> says why.</exception>
    public ValueTask<ReviewCaseView> ApproveAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.approve", act?.CaseId, act?.ActorId, () => DecideAsync(act!, null, cancellationToken));

    /// <summary>
    /// Edits the payload, then approves it. Both digests go on record. An edit that changes the payload voids earlier
    /// approvals in this round: they approved something else.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="editedPayload">The payload as the reviewer corrected it.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> EditAndApproveAsync(HumanAct act, string editedPayload, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.edit_and_approve", act?.CaseId, act?.ActorId, () => EditAndApproveCoreAsync(act!, editedPayload, cancellationToken));

    private ValueTask<ReviewCaseView> EditAndApproveCoreAsync(HumanAct act, string editedPayload, CancellationToken cancellationToken)
    {
        if (editedPayload is null)
        {
            throw Refuse(ReviewErrorCode.MissingPayload, act?.CaseId, act?.ActorId, "Edit-then-approve needs the edited payload; it is null.");
        }

        RequirePayloadLength(editedPayload, act?.CaseId, act?.ActorId, "edited");

        return DecideAsync(act!, editedPayload, cancellationToken);
    }

    /// <summary>
    /// Rejects a pending case, or an approved case the kill switch holds (<see cref="CaseState.Held"/>). A reason is
    /// required and kept for the model's owner. One rejection closes the case.
    /// </summary>
    /// <param name="act">Who, which case, why (with <see cref="HumanAct.Reason"/>).</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> RejectAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.reject", act?.CaseId, act?.ActorId, () => RejectCoreAsync(act!, cancellationToken));

    private async ValueTask<ReviewCaseView> RejectCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: true);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        return await InTimeAsync(act, orHeld: true, async c =>
        {
            RequireTier(c, reviewer, c.Tier, act);
            RequireFreshEyes(c, act);
            var now = _time.GetUtcNow();
            var entry = OnTicket(ActEntry(c, ActKind.Rejected, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, now), c, act);
            c.LastDecider = reviewer.Id;
            Close(c, CaseState.Rejected, execute: false, reviewer.Id, act.ReasonCode, act.Reason, now);
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.Rejected, reviewer.Id, act.ReasonCode);
            return c.View();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a pending case to the next tier: earlier approvals are void, the deadline starts again, a new ticket goes
    /// to the review sink and the escalation handlers run.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused (for example <see cref="ReviewErrorCode.NoHigherTier"/>) or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> EscalateAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.escalate", act?.CaseId, act?.ActorId, () => EscalateCoreAsync(act!, cancellationToken));

    private async ValueTask<ReviewCaseView> EscalateCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        var (c, ticket, previousTier, now) = await InTimeAsync(act, orHeld: false, async c =>
        {
            RequireTier(c, reviewer, c.Tier, act);
            if (c.Tier + 1 >= c.Tiers.Count)
            {
                throw Refuse(ReviewErrorCode.NoHigherTier, c.Id, act.ActorId,
                    $"Case '{c.Id}' already needs tier '{c.TierName}', the highest of the policy; reject it instead.");
            }

            var at = _time.GetUtcNow();
            var from = c.TierName;
            var entry = OnTicket(ActEntry(c, ActKind.Escalated, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, at), c, act) with
            {
                Route = RouteLevel.Escalate,
                RequiredTier = c.Tiers[c.Tier + 1],
            };
            Escalate(c, at);
            var reticket = c.Ticket = Reticket(c, TicketReason.Escalated, at);
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.Escalated, reviewer.Id, act.ReasonCode);
            _metrics.Escalation(c.ActionType, "reviewer");
            return (c, reticket, from, at);
        }, cancellationToken).ConfigureAwait(false);

        await SendTicketAsync(c, ticket, cancellationToken).ConfigureAwait(false);
        await RunEscalationHandlersAsync(c, ticket, previousTier, EscalationCause.Reviewer, reviewer.Id, now, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(c.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Overrides a decision that auto-executed: the person's judgement replaces the policy's. Recorded first, then the
    /// compensation hook (when registered) undoes the action. Needs at least <see cref="ReviewGateOptions.OverrideTier"/>.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused, could not be recorded, or the compensation failed.</exception>
    public ValueTask<ReviewCaseView> OverrideAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.override", act?.CaseId, act?.ActorId, () => OverrideCoreAsync(act!, cancellationToken));

    private async ValueTask<ReviewCaseView> OverrideCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        var (c, now) = await ActOnAsync(act.CaseId, act.ActorId, async c =>
        {
            if (c.State is CaseState.Overridden or CaseState.Reversed)
            {
                throw Closed(c, act);
            }

            if (c.State != CaseState.AutoExecuted)
            {
                throw Refuse(ReviewErrorCode.InvalidState, c.Id, act.ActorId,
                    $"Case '{c.Id}' is {c.State}, not auto-executed; only an auto-executed decision can be overridden (reject or reverse instead).");
            }

            var minimum = _options.OverrideTier is { } tierName ? TierIndex(c, tierName) : 0;
            RequireTier(c, reviewer, minimum < 0 ? int.MaxValue : minimum, act);
            var at = _time.GetUtcNow();
            var entry = ActEntry(c, ActKind.Overridden, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, at) with { Route = RouteLevel.Block, ShownAt = ShownAt(act, at) };
            var before = ReviewCase.From(c.ToRecord());
            c.LastDecider = reviewer.Id;
            var executed = c.Executed;
            Close(c, CaseState.Overridden, execute: false, reviewer.Id, act.ReasonCode, act.Reason, at);
            c.Executed = executed && _compensation is null;
            var records = await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            if (_compensation is not null)
            {
                await CompensateAsync(c, before, records[0], isOverride: true, reviewer.Id, act, cancellationToken).ConfigureAwait(false);
            }

            Recorded(c, ActKind.Overridden, reviewer.Id, act.ReasonCode);
            _metrics.Override(c.ActionType);
            return (c, at);
        }, cancellationToken).ConfigureAwait(false);

        await NotifyQuietlyAsync(Notice(c, NoticeKind.Overridden, reviewer.Id, now, $"Case {c.Id} was overridden by {reviewer.Id} ({act.ReasonCode})."), cancellationToken).ConfigureAwait(false);
        return c.View();
    }

    /// <summary>
    /// Reverses an action that ran (auto-executed or approved) through the compensation hook. Recorded first; needs at
    /// least the tier that approved it.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused, could not be recorded, or the compensation failed.</exception>
    public ValueTask<ReviewCaseView> ReverseAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.reverse", act?.CaseId, act?.ActorId, () => ReverseCoreAsync(act!, cancellationToken));

    private async ValueTask<ReviewCaseView> ReverseCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        if (_compensation is null)
        {
            throw Refuse(ReviewErrorCode.NoCompensationHook, act.CaseId, act.ActorId,
                "Reversal needs a compensation hook (ICompensationHook) and none is registered.");
        }

        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        var (c, now) = await ActOnAsync(act.CaseId, act.ActorId, async c =>
        {
            if (c.State is CaseState.Overridden or CaseState.Reversed)
            {
                throw Closed(c, act);
            }

            if (!c.Executed)
            {
                throw Refuse(ReviewErrorCode.InvalidState, c.Id, act.ActorId,
                    $"Case '{c.Id}' is {c.State} and its action has not run; there is nothing to reverse.");
            }

            RequireTier(c, reviewer, c.Tier, act);
            var at = _time.GetUtcNow();
            var entry = ActEntry(c, ActKind.Reversed, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, at) with { ShownAt = ShownAt(act, at) };
            var before = ReviewCase.From(c.ToRecord());
            c.LastDecider = reviewer.Id;
            Close(c, CaseState.Reversed, execute: false, reviewer.Id, act.ReasonCode, act.Reason, at);
            c.Executed = false;
            var records = await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            await CompensateAsync(c, before, records[0], isOverride: false, reviewer.Id, act, cancellationToken).ConfigureAwait(false);
            Recorded(c, ActKind.Reversed, reviewer.Id, act.ReasonCode);
            return (c, at);
        }, cancellationToken).ConfigureAwait(false);

        await NotifyQuietlyAsync(Notice(c, NoticeKind.Reversed, reviewer.Id, now, $"Case {c.Id} was reversed by {reviewer.Id} ({act.ReasonCode})."), cancellationToken).ConfigureAwait(false);
        return c.View();
    }

    /// <summary>
    /// The affected person contests the outcome of a decided case (auto-executed, approved, rejected or blocked). This
    /// forces a human review: the case is pending again, at least at review (a blocked case at the highest tier), and
    /// whoever decided it before may not decide it again. Only the case's subject may contest; when the case names no
    /// subject, only someone in the reviewer directory with <see cref="ReviewGateOptions.ContestIntakeRole"/> may
    /// (an intake desk acting for the affected person).
    /// </summary>
    /// <param name="act">The subject's (or the intake person's) id as <see cref="HumanAct.ActorId"/>, the case, and why.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> ContestAsync(HumanAct act, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.contest", act?.CaseId, act?.ActorId, () => ContestCoreAsync(act!, cancellationToken));

    private async ValueTask<ReviewCaseView> ContestCoreAsync(HumanAct act, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var subject = (await LoadAsync(act.CaseId, act.ActorId, cancellationToken).ConfigureAwait(false)).Subject;
        var role = subject is null ? await ResolveIntakeAsync(act, cancellationToken).ConfigureAwait(false) : SubjectRole;
        var (c, ticket) = await ActOnAsync(act.CaseId, act.ActorId, async c =>
        {
            if (c.State is CaseState.Overridden or CaseState.Reversed)
            {
                throw Closed(c, act);
            }

            if (c.State is CaseState.Pending or CaseState.Held)
            {
                throw Refuse(ReviewErrorCode.InvalidState, c.Id, act.ActorId, c.State == CaseState.Pending
                    ? $"Case '{c.Id}' is pending: it is under human review already."
                    : $"Case '{c.Id}' is held by the kill switch: it has not run; a reviewer may still reject it.");
            }

            if (c.Subject is not null && !string.Equals(c.Subject, act.ActorId, StringComparison.Ordinal))
            {
                throw Refuse(ReviewErrorCode.NotTheSubject, c.Id, act.ActorId,
                    $"Only the subject of case '{c.Id}' may contest it; '{act.ActorId}' is not.");
            }

            var now = _time.GetUtcNow();
            var entry = ActEntry(c, ActKind.Contested, act.ActorId, role, null, act.ReasonCode, act.Reason, now);
            c.PriorDeciders.UnionWith(c.Approvers);
            if (c.LastDecider is { } decider)
            {
                c.PriorDeciders.Add(decider);
            }

            c.Approvers.Clear();
            c.Contested = true;
            if (c.State == CaseState.Blocked)
            {
                // Undoing a block lets an action run that the policy (or a lapsed review) stopped: the highest tier decides.
                c.Route = RouteLevel.Escalate;
                c.Tier = Math.Max(0, c.Tiers.Count - 1);
            }
            else
            {
                c.Route = c.Route == RouteLevel.Escalate ? RouteLevel.Escalate : RouteLevel.Review;
                c.Tier = Math.Min(c.Tier, Math.Max(0, c.Tiers.Count - 1));
            }

            c.State = CaseState.Pending;
            c.ClosedAt = null;
            c.RetainUntil = null;
            c.Outcome = null;
            c.RequiredApprovals = Math.Max(1, c.RequiredApprovals);
            c.ReviewDeadline = _options.ContestReviewDeadline;
            c.DeadlineAt = now + _options.ContestReviewDeadline;
            c.Fallback = RouteLevel.Escalate;
            c.TimeoutEscalated = false;
            c.Round++;
            c.RoundOpenedAt = now;
            var reticket = c.Ticket = Reticket(c, TicketReason.Contested, now);
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.Contested, act.ActorId, act.ReasonCode);
            return (c, reticket);
        }, cancellationToken).ConfigureAwait(false);

        var message = c.Subject is null
            ? $"Case {c.Id} was contested by {act.ActorId} for the person it affects ({act.ReasonCode})."
            : $"Case {c.Id} was contested by its subject ({act.ReasonCode}).";
        await NotifyQuietlyAsync(Notice(c, NoticeKind.Contested, act.ActorId, ticket.At, message), cancellationToken).ConfigureAwait(false);
        await SendTicketAsync(c, ticket, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(c.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records an after-the-fact audit of an auto-executed decision (typically one the policy's audit sample drew):
    /// passed, or failed (a silent failure of the model, which the host may then override or reverse). The case's
    /// state does not change; the record feeds calibration.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="passed">Whether the auditor found the decision right.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> RecordAuditAsync(HumanAct act, bool passed, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.record_audit", act?.CaseId, act?.ActorId, () => RecordAuditCoreAsync(act!, passed, cancellationToken));

    private async ValueTask<ReviewCaseView> RecordAuditCoreAsync(HumanAct act, bool passed, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        return await ActOnAsync(act.CaseId, act.ActorId, async c =>
        {
            if (c.State != CaseState.AutoExecuted)
            {
                throw Refuse(ReviewErrorCode.InvalidState, c.Id, act.ActorId,
                    $"Case '{c.Id}' is {c.State}; only an auto-executed decision is audited after the fact.");
            }

            var kind = passed ? ActKind.AuditPassed : ActKind.AuditFailed;
            var now = _time.GetUtcNow();
            await CommitAsync(c, cancellationToken, ActEntry(c, kind, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, now) with { ShownAt = ShownAt(act, now) }).ConfigureAwait(false);
            Recorded(c, kind, reviewer.Id, act.ReasonCode);
            return c.View();
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ReviewCaseView> DecideAsync(HumanAct act, string? editedPayload, CancellationToken cancellationToken)
    {
        CheckReason(act, requireText: false);
        var reviewer = await ResolveAsync(act, cancellationToken).ConfigureAwait(false);
        return await InTimeAsync(act, orHeld: false, c => DecideLockedAsync(c, reviewer, act, editedPayload, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ReviewCaseView> DecideLockedAsync(ReviewCase c, Reviewer reviewer, HumanAct act, string? editedPayload, CancellationToken cancellationToken)
    {
        RequireMayDecide(c, reviewer, act);
        if (c.SuggestionWithheld)
        {
            RequireIndependentDecision(c, reviewer, seen: editedPayload is null);
        }

        var editedDigest = editedPayload is null ? null : PayloadDigest.Of(editedPayload, _options);
        var changes = editedDigest is not null && !string.Equals(editedDigest, c.EditedDigest ?? c.PayloadDigest, StringComparison.Ordinal);
        if (!changes && c.Approvers.Contains(reviewer.Id))
        {
            return c.View();
        }

        var now = _time.GetUtcNow();
        var kind = changes ? ActKind.Edited : ActKind.Approved;
        var entry = OnTicket(ActEntry(c, kind, reviewer.Id, _options.ReviewerRole, reviewer.Tier, act.ReasonCode, act.Reason, now), c, act);
        if (changes)
        {
            entry = entry with { EditedDigest = editedDigest };
            c.EditedPayload = editedPayload;
            c.EditedDigest = editedDigest;
            c.Approvers.Clear();
        }

        c.Approvers.Add(reviewer.Id);
        AuditEntry? held = null;
        if (c.Approvers.Count >= c.RequiredApprovals)
        {
            c.LastDecider = reviewer.Id;
            if (KillSwitch.IsEngaged(c.ActionType))
            {
                held = Hold(c, now);
            }
            else
            {
                Close(c, CaseState.Approved, execute: true, reviewer.Id, act.ReasonCode, act.Reason, now);
            }
        }

        await CommitAsync(c, cancellationToken, held is null ? [entry] : [entry, held]).ConfigureAwait(false);
        Recorded(c, kind, reviewer.Id, act.ReasonCode);
        if (held is not null)
        {
            Recorded(c, ActKind.Held, SystemActor, "kill-switch-engaged");
        }

        return c.View();
    }

    /// <summary>
    /// Runs the compensation hook after an override or reversal is on record. When the hook fails, the case goes back
    /// to how it was (<paramref name="before"/>) with a correction that supersedes the act's record, and the act is
    /// refused with <see cref="ReviewErrorCode.CompensationFailed"/>.
    /// </summary>
    private async ValueTask CompensateAsync(ReviewCase c, ReviewCase before, AuditRecord record, bool isOverride, string actor, HumanAct act, CancellationToken cancellationToken)
    {
        try
        {
            await _compensation!.CompensateAsync(new CompensationRequest
            {
                CaseId = c.Id,
                ActionType = c.ActionType,
                RequestId = c.RequestId,
                ExecutedPayload = c.ExecutedPayload,
                IsOverride = isOverride,
                Actor = actor,
                ReasonCode = act.ReasonCode,
                Reason = act.Reason,
                AuditSequence = record.Sequence,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            HitlLog.CompensationFailed(_logger, ex, c.Id, before.State.ToString());
            var correction = new AuditEntry
            {
                Act = ActKind.Corrected,
                CaseId = c.Id,
                At = _time.GetUtcNow(),
                ActionType = c.ActionType,
                RequestId = c.RequestId,
                Actor = SystemActor,
                ReasonCode = "compensation-failed",
                Reason = $"The {record.Entry.Act} act did not take effect: the compensation hook failed: {ex.Message}",
                Supersedes = record.Sequence,
            };
            before.Version = c.Version;
            try
            {
                await CommitAsync(before, CancellationToken.None, correction).ConfigureAwait(false);
            }
            catch (CaseConflictException conflict)
            {
                throw new ReviewException(ReviewErrorCode.CompensationFailed, c.Id, actor,
                    $"The compensation hook failed for case '{c.Id}' and the case changed before the correction could be recorded; record {record.Sequence} stands uncorrected: {ex.Message}", conflict);
            }

            _metrics.Refusal(ReviewErrorCode.CompensationFailed);
            throw new ReviewException(ReviewErrorCode.CompensationFailed, c.Id, actor,
                $"The compensation hook failed for case '{c.Id}'; the case stays {before.State} and record {record.Sequence} is superseded by a correction: {ex.Message}", ex);
        }
    }

    /// <summary>An act on a ticket: the record says when the ticket was shown to the actor (from the act, else when it was issued).</summary>
    private static AuditEntry OnTicket(AuditEntry entry, ReviewCase c, HumanAct act) =>
        entry with { ShownAt = ShownAt(act, entry.At) ?? c.Ticket?.At };

    /// <summary>When the act says its ticket was shown, never later than the act itself.</summary>
    private static DateTimeOffset? ShownAt(HumanAct act, DateTimeOffset now) =>
        act.ShownAt is { } shown ? (shown > now ? now : shown) : null;

    private void Recorded(ReviewCase c, ActKind act, string actor, string? reasonCode)
    {
        var name = act.ToString();
        _metrics.Act(act, c.ActionType);
        HitlLog.ActRecorded(_logger, c.Id, name, actor, reasonCode);
    }

    private static void Escalate(ReviewCase c, DateTimeOffset now)
    {
        c.Tier++;
        c.Route = RouteLevel.Escalate;
        c.Approvers.Clear();
        c.DeadlineAt = now + c.ReviewDeadline;
    }

    private void CheckReason(HumanAct act, bool requireText)
    {
        ArgumentNullException.ThrowIfNull(act);
        if (string.IsNullOrWhiteSpace(act.CaseId) || string.IsNullOrWhiteSpace(act.ActorId))
        {
            throw new ArgumentException($"An act needs a case id and an actor id (case '{act.CaseId}', actor '{act.ActorId}').", nameof(act));
        }

        if (string.IsNullOrWhiteSpace(act.ReasonCode))
        {
            throw Refuse(ReviewErrorCode.MissingReason, act.CaseId, act.ActorId, $"Every act needs a reason code; '{act.ActorId}' gave none for case '{act.CaseId}'.");
        }

        if (requireText && string.IsNullOrWhiteSpace(act.Reason))
        {
            throw Refuse(ReviewErrorCode.MissingReason, act.CaseId, act.ActorId,
                $"A rejection needs a reason in words, kept for the model's owner; '{act.ActorId}' gave only the code '{act.ReasonCode}' for case '{act.CaseId}'.");
        }
    }

    private async ValueTask<Reviewer> ResolveAsync(HumanAct act, CancellationToken cancellationToken)
    {
        var reviewer = await _reviewers.FindAsync(act.ActorId, cancellationToken).ConfigureAwait(false)
            ?? throw Refuse(ReviewErrorCode.UnknownReviewer, act.CaseId, act.ActorId, $"Reviewer '{act.ActorId}' is not in the reviewer directory.");
        if (!reviewer.HasRole(_options.ReviewerRole))
        {
            throw Refuse(ReviewErrorCode.MissingRole, act.CaseId, act.ActorId,
                $"'{act.ActorId}' does not hold the role '{_options.ReviewerRole}' (holds: {string.Join(", ", reviewer.Roles.Order(StringComparer.Ordinal))}).");
        }

        return reviewer;
    }

    private async ValueTask<string> ResolveIntakeAsync(HumanAct act, CancellationToken cancellationToken)
    {
        var role = _options.ContestIntakeRole;
        var person = await _reviewers.FindAsync(act.ActorId, cancellationToken).ConfigureAwait(false);
        if (person is null || !person.HasRole(role))
        {
            throw Refuse(person is null ? ReviewErrorCode.UnknownReviewer : ReviewErrorCode.MissingRole, act.CaseId, act.ActorId,
                $"Case '{act.CaseId}' names no subject, so only someone holding the role '{role}' may contest it for the person it affects; " +
                $"'{act.ActorId}' {(person is null ? "is not in the reviewer directory" : "does not hold that role")}.");
        }

        return role;
    }

    /// <summary>
    /// Runs an act on a pending case (or, with <paramref name="orHeld"/>, a held one) under the case's lock. When the
    /// deadline has passed by the gate's clock, the act does not run: the fallback applies and the act is refused
    /// (<see cref="ReviewErrorCode.DeadlinePassed"/>), whether or not a sweep ran.
    /// </summary>
    private async ValueTask<T> InTimeAsync<T>(HumanAct act, bool orHeld, Func<ReviewCase, ValueTask<T>> body, CancellationToken cancellationToken)
    {
        var late = false;
        var result = await ActOnAsync(act.CaseId, act.ActorId, c =>
        {
            if (!(orHeld && c.State == CaseState.Held))
            {
                RequirePending(c, act);
            }

            if (PastDeadline(c))
            {
                late = true;
                return ValueTask.FromResult(default(T)!);
            }

            return body(c);
        }, cancellationToken).ConfigureAwait(false);
        if (late)
        {
            throw await LateAsync(act, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private void RequirePending(ReviewCase c, HumanAct act)
    {
        if (c.State != CaseState.Pending)
        {
            throw Closed(c, act);
        }
    }

    private ReviewException Closed(ReviewCase c, HumanAct act) =>
        Refuse(ReviewErrorCode.CaseClosed, c.Id, act.ActorId, $"Case '{c.Id}' is closed ({c.State}); the act needs an open case.");

    private void RequireTier(ReviewCase c, Reviewer reviewer, int requiredTier, HumanAct act)
    {
        var held = TierIndex(c, reviewer.Tier);
        if (held < 0)
        {
            throw Refuse(ReviewErrorCode.TierTooLow, c.Id, reviewer.Id,
                $"'{reviewer.Id}' holds tier '{reviewer.Tier}', which policy '{c.PolicyId}' does not know (tiers: {string.Join(", ", c.Tiers)}).");
        }

        if (held < requiredTier)
        {
            var needed = requiredTier < c.Tiers.Count ? c.Tiers[requiredTier] : "(unknown)";
            throw Refuse(ReviewErrorCode.TierTooLow, c.Id, act.ActorId,
                $"'{reviewer.Id}' holds tier '{reviewer.Tier}'; case '{c.Id}' needs at least '{needed}'.");
        }
    }

    private void RequireFreshEyes(ReviewCase c, HumanAct act)
    {
        if (c.Contested && c.PriorDeciders.Contains(act.ActorId))
        {
            throw Refuse(ReviewErrorCode.ReviewerAlreadyDecided, c.Id, act.ActorId,
                $"Case '{c.Id}' was contested; '{act.ActorId}' decided it before and cannot decide it again.");
        }
    }

    private static int TierIndex(ReviewCase c, string tier)
    {
        for (var i = 0; i < c.Tiers.Count; i++)
        {
            if (string.Equals(c.Tiers[i], tier, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static Notice Notice(ReviewCase c, NoticeKind kind, string? actor, DateTimeOffset now, string message) => new()
    {
        Kind = kind,
        CaseId = c.Id,
        ActionType = c.ActionType,
        Route = c.Route,
        DecidedBy = c.DecidedBy,
        Actor = actor,
        At = now,
        Message = message,
    };
}
