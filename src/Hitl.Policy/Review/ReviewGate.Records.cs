using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    private const string HostActor = "host";
    private const int ExecutionReferenceLimit = 512;

    /// <summary>
    /// The host reports that the action of a case ran: an <see cref="ActKind.Executed"/> record goes on the trail with the
    /// time, so that the record shows when the model's output was received, routed, decided and executed. Report once per
    /// execution, after the action ran; only a case the gate said to execute (auto-executed, or approved) can be reported.
    /// </summary>
    /// <param name="caseId">The case.</param>
    /// <param name="reference">The host's reference for what ran (a transaction id, a message id), at most 512 characters; optional.</param>
    /// <param name="executedAt">When the action ran, from the host's clock; now when omitted.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the report.</returns>
    /// <exception cref="ReviewException">
    /// No such case (<see cref="ReviewErrorCode.CaseNotFound"/>); the gate did not say to execute it, or it was reported
    /// already (<see cref="ReviewErrorCode.NotExecutable"/>); the record could not be written (<see cref="ReviewErrorCode.AuditAppendFailed"/>).
    /// </exception>
    public ValueTask<ReviewCaseView> ReportExecutedAsync(string caseId, string? reference = null, DateTimeOffset? executedAt = null, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.report_executed", caseId, HostActor, () => ReportExecutedCoreAsync(caseId, reference, executedAt, cancellationToken));

    private async ValueTask<ReviewCaseView> ReportExecutedCoreAsync(string caseId, string? reference = null, DateTimeOffset? executedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caseId);
        if (reference is { Length: > ExecutionReferenceLimit })
        {
            throw new ArgumentException($"The execution reference of case '{caseId}' is {reference.Length} characters; at most {ExecutionReferenceLimit} are kept.", nameof(reference));
        }

        return await ActOnAsync(caseId, HostActor, async c =>
        {
            if (c.State is not (CaseState.AutoExecuted or CaseState.Approved) || c.Outcome is not { Execute: true })
            {
                throw Refuse(ReviewErrorCode.NotExecutable, c.Id, HostActor,
                    $"Case '{c.Id}' is {c.State}: the gate did not say to execute it, so its execution cannot be reported. Execute only when the gate's result or outcome says so.");
            }

            if (c.ExecutionReportedAt is { } reported)
            {
                throw Refuse(ReviewErrorCode.NotExecutable, c.Id, HostActor,
                    $"The execution of case '{c.Id}' was reported already ({reported:O}); an action the gate allowed once runs once.");
            }

            var now = _time.GetUtcNow();
            var at = executedAt is { } given && given <= now ? given : now;
            var entry = ActEntry(c, ActKind.Executed, HostActor, HostActor, null, "executed", null, at) with
            {
                RequiredApprovals = null,
                RequiredTier = null,
                Data = reference is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["reference"] = reference },
            };
            c.ExecutionReportedAt = at;
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.Executed, HostActor, "executed");
            return c.View();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts a case under legal hold, or lifts the hold: a held case is kept in the store whatever its retention says
    /// (a sweep does not purge it). Needs <see cref="ReviewGateOptions.RecordsRole"/>; on record with who and why.
    /// </summary>
    /// <param name="act">Who, which case, why.</param>
    /// <param name="hold">Whether to put the hold on (<see langword="true"/>) or lift it.</param>
    /// <param name="cancellationToken">Cancels the act before it is recorded.</param>
    /// <returns>The case after the act.</returns>
    /// <exception cref="ReviewException">The act is refused (unknown person, missing role, no such case) or could not be recorded.</exception>
    public ValueTask<ReviewCaseView> SetLegalHoldAsync(HumanAct act, bool hold, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.set_legal_hold", act?.CaseId, act?.ActorId, () => SetLegalHoldCoreAsync(act!, hold, cancellationToken));

    private async ValueTask<ReviewCaseView> SetLegalHoldCoreAsync(HumanAct act, bool hold, CancellationToken cancellationToken = default)
    {
        CheckReason(act, requireText: false);
        var role = _options.RecordsRole;
        var person = await _reviewers.FindAsync(act.ActorId, cancellationToken).ConfigureAwait(false);
        if (person is null || !person.HasRole(role))
        {
            throw Refuse(person is null ? ReviewErrorCode.UnknownReviewer : ReviewErrorCode.MissingRole, act.CaseId, act.ActorId,
                $"A legal hold needs the role '{role}'; '{act.ActorId}' {(person is null ? "is not in the reviewer directory" : "does not hold it")}.");
        }

        return await ActOnAsync(act.CaseId, act.ActorId, async c =>
        {
            if (c.LegalHold == hold)
            {
                return c.View();
            }

            var now = _time.GetUtcNow();
            var entry = ActEntry(c, ActKind.LegalHold, person.Id, role, null, act.ReasonCode, act.Reason, now) with
            {
                RequiredApprovals = null,
                Data = new Dictionary<string, string>(StringComparer.Ordinal) { ["legalHold"] = hold ? "on" : "off" },
            };
            c.LegalHold = hold;
            await CommitAsync(c, cancellationToken, entry).ConfigureAwait(false);
            Recorded(c, ActKind.LegalHold, person.Id, act.ReasonCode);
            return c.View();
        }, cancellationToken).ConfigureAwait(false);
    }
}
