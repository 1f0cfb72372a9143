using Microsoft.Extensions.Logging;

namespace Hitl.Policy.Telemetry;

/// <summary>The log messages of the gate, the kill switch and policy reloads (source-generated).</summary>
internal static partial class HitlLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Case {CaseId} ({ActionType}) opened for {Route}, tier {Tier}, {Approvals} approval(s), decided by {DecidedBy}")]
    public static partial void CaseOpened(ILogger logger, string caseId, string? actionType, string route, string tier, int approvals, string decidedBy);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Case {CaseId} ({ActionType}) blocked by {DecidedBy}")]
    public static partial void CaseBlocked(ILogger logger, string caseId, string? actionType, string decidedBy);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Notice for case {CaseId} could not be delivered; the case goes to review instead")]
    public static partial void NoticeFailed(ILogger logger, Exception exception, string caseId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Case {CaseId}: {Act} by {Actor} ({ReasonCode})")]
    public static partial void ActRecorded(ILogger logger, string caseId, string act, string actor, string? reasonCode);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Case {CaseId}: act refused for {Actor}: {Code}")]
    public static partial void ActRefused(ILogger logger, string? caseId, string? actor, string code);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Case {CaseId} passed its deadline; fell back to {Fallback}")]
    public static partial void TimedOut(ILogger logger, string caseId, string fallback);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "The audit store failed to append a {Act} record for case {CaseId}; the act did not take effect")]
    public static partial void AuditAppendFailed(ILogger logger, Exception exception, string act, string caseId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Escalation handler {Handler} failed for case {CaseId}; the case stays escalated")]
    public static partial void EscalationHandlerFailed(ILogger logger, Exception exception, string handler, string caseId);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Error, Message = "Compensation failed for case {CaseId}; the case stays {State}")]
    public static partial void CompensationFailed(ILogger logger, Exception exception, string caseId, string state);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Deadline sweep failed for case {CaseId}; it stays pending and is retried on the next sweep")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string caseId);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Kill switch {Scope} {Change} by {Actor}: {Reason}")]
    public static partial void KillSwitchChanged(ILogger logger, string scope, string change, string actor, string reason);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Policy {PolicyId} {PolicyVersion} active (hash {PolicyHash})")]
    public static partial void PolicyActivated(ILogger logger, string policyId, string policyVersion, string policyHash);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Error, Message = "Policy reload rejected; {PolicyId} {PolicyVersion} stays active. {ErrorCount} error(s):{Errors}")]
    public static partial void PolicyReloadRejected(ILogger logger, string policyId, string policyVersion, int errorCount, string errors);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Debug, Message = "Case {CaseId} changed under an act (version {ExpectedVersion} read, {ActualVersion} stored); reading it again")]
    public static partial void ConflictRetried(ILogger logger, string caseId, long expectedVersion, long actualVersion);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Case {CaseId} purged at the end of its retention")]
    public static partial void CasePurged(ILogger logger, string caseId);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "The shared kill switch could not be read from the case store; this instance keeps its last known state and reads again at the next poll")]
    public static partial void KillSwitchSyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Kill switch follows the shared state: {Count} scope(s) changed by another instance")]
    public static partial void KillSwitchFollowed(ILogger logger, int count);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning, Message = "The case store cannot be read while waiting on case {CaseId}; the wait reads again at the next poll")]
    public static partial void WaitStoreUnavailable(ILogger logger, Exception exception, string caseId);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "Case {CaseId}: segment {Segment} could not be read (the reader failed, or its value is longer than 256 characters or holds control characters); the case is recorded without it")]
    public static partial void SegmentUnreadable(ILogger logger, Exception? exception, string caseId, string segment);

    [LoggerMessage(EventId = 1050, Level = LogLevel.Warning, Message = "An oversight check failed (the audit trail could not be read); the next check tries again")]
    public static partial void OversightCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning, Message = "The oversight alert sink {Sink} failed on a {Kind} alert; the other sinks still got it")]
    public static partial void OversightSinkFailed(ILogger logger, Exception exception, string kind, string sink);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Information, Message = "Live shadow: candidate {CandidateId} {CandidateVersion} beside active {ActiveId} {ActiveVersion}; sample rate {SampleRate} of differences, recorded to {RecordPath}")]
    public static partial void ShadowStarted(ILogger logger, string candidateId, string candidateVersion, string activeId, string activeVersion, double sampleRate, string recordPath);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Error, Message = "Live shadow: {Count} record(s) could not be appended to {RecordPath} and are dropped; the next flush tries again")]
    public static partial void ShadowWriteFailed(ILogger logger, Exception exception, int count, string recordPath);

    [LoggerMessage(EventId = 1062, Level = LogLevel.Warning, Message = "Live shadow: {Count} sampled difference(s) dropped since the last flush because the buffer of {Capacity} pending records was full")]
    public static partial void ShadowRecordsDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(EventId = 1063, Level = LogLevel.Error, Message = "Live shadow: the flush failed; pending records stay in the buffer for the next one")]
    public static partial void ShadowFlushFailed(ILogger logger, Exception exception);
}
