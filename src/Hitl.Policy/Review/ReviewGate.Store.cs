using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Review;

public sealed partial class ReviewGate<TContext>
{
    /// <summary>How often an act that lost a race to another gate on the same store reads the case again and retries.</summary>
    private const int ConflictRetries = 16;

    /// <summary>Reads a case from the store as a working copy for one act.</summary>
    private async ValueTask<ReviewCase> LoadAsync(string caseId, string? actor, CancellationToken cancellationToken) =>
        await TryLoadAsync(caseId, actor, cancellationToken).ConfigureAwait(false)
            ?? throw Refuse(ReviewErrorCode.CaseNotFound, caseId, actor, $"No case has id '{caseId}'.");

    private async ValueTask<ReviewCase?> TryLoadAsync(string caseId, string? actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        CaseRecord? record;
        using var scope = _metrics.Store("get", caseId);
        try
        {
            record = await _store.GetAsync(caseId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            scope.Fail(ex);
            _metrics.Refusal(ReviewErrorCode.StoreUnavailable);
            throw new ReviewException(ReviewErrorCode.StoreUnavailable, caseId, actor,
                $"The case store could not read case '{caseId}', so nothing was done: {ex.Message}", ex);
        }

        return record is null ? null : ReviewCase.From(record);
    }

    /// <summary>
    /// Commits the working copy with the records of the act, all or nothing. On success the copy carries the new
    /// version and waiters on the case wake. A lost race is a <see cref="CaseConflictException"/> (the caller reads again
    /// and retries); any other failure means the act did not take effect (<see cref="ReviewErrorCode.AuditAppendFailed"/>).
    /// </summary>
    private async ValueTask<IReadOnlyList<AuditRecord>> CommitAsync(ReviewCase c, CancellationToken cancellationToken, params AuditEntry[] entries) =>
        await CommitAsync(c, purge: false, cancellationToken, entries).ConfigureAwait(false);

    private async ValueTask<IReadOnlyList<AuditRecord>> CommitAsync(ReviewCase c, bool purge, CancellationToken cancellationToken, params AuditEntry[] entries)
    {
        using var scope = _metrics.Store("commit", c.Id);
        CaseCommitResult result;
        var (history, omitted) = CaseEvent.Append(c.History, c.EarlierEventsOmitted, entries);
        try
        {
            var record = c.ToRecord() with { History = history, EarlierEventsOmitted = omitted };
            result = await _store.CommitAsync(new CaseCommit { Case = record, Entries = entries, Purge = purge }, cancellationToken).ConfigureAwait(false);
        }
        catch (CaseConflictException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var act = entries.Length == 0 ? "change" : entries[0].Act.ToString();
            HitlLog.AuditAppendFailed(_logger, ex, act, c.Id);
            _metrics.Refusal(ReviewErrorCode.AuditAppendFailed);
            scope.Fail(ex);
            throw new ReviewException(ReviewErrorCode.AuditAppendFailed, c.Id, entries.Length == 0 ? null : entries[0].Actor,
                ex is CaseStoreException { MayHaveBeenWritten: true }
                    ? $"The case store lost the commit of the {act} act on case '{c.Id}' midway: it may or may not be on record. Do not act on it; read the case again ({nameof(GetCaseAsync)}) to see whether it took effect: {ex.Message}"
                    : $"The case store could not record the {act} act on case '{c.Id}', so it did not take effect: {ex.Message}",
                ex);
        }

        c.Version = result.Case.Version;
        c.History = history;
        c.EarlierEventsOmitted = omitted;
        if (_changed.TryRemove(c.Id, out var waiters))
        {
            waiters.TrySetResult();
        }

        return result.Records;
    }

    /// <summary>A task that completes at the next commit this gate makes on the case (take it before reading the case).</summary>
    private TaskCompletionSource NextChange(string caseId) =>
        _changed.GetOrAdd(caseId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>
    /// Runs an act on a fresh copy of the case under this gate's lock for the case. When another gate changed the case
    /// in between (a version conflict), the copy is read again and the act decided again, so that its checks always see
    /// the case as stored; after <see cref="ConflictRetries"/> lost races the act is refused (<see cref="ReviewErrorCode.Conflict"/>).
    /// </summary>
    private async ValueTask<T> ActOnAsync<T>(string caseId, string? actor, Func<ReviewCase, ValueTask<T>> body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using (await _locks.EnterAsync(caseId, cancellationToken).ConfigureAwait(false))
            {
                var c = await LoadAsync(caseId, actor, cancellationToken).ConfigureAwait(false);
                try
                {
                    return await body(c).ConfigureAwait(false);
                }
                catch (CaseConflictException ex) when (attempt < ConflictRetries)
                {
                    HitlLog.ConflictRetried(_logger, caseId, ex.ExpectedVersion, ex.ActualVersion ?? 0);
                }
                catch (CaseConflictException ex)
                {
                    throw Refuse(ReviewErrorCode.Conflict, caseId, actor,
                        $"Case '{caseId}' kept changing under the act ({ConflictRetries} tries, last: {ex.Message}); nothing was done by this act. Try again.");
                }
            }

            await Task.Yield();
        }
    }
}
