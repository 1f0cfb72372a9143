using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;

namespace Hitl.Policy.Review;

/// <summary>
/// The loop around <c>Route()</c>. The host hands every decision to <see cref="SubmitAsync"/> with the model's output:
/// auto-execute comes back at once (notice-only also tells the notification sink), review and escalate open a case
/// and hand a ticket to the review sink, block is recorded and returned. People then act on cases (approve, reject,
/// edit, escalate, override, reverse, contest); every act is checked, appended to the audit store before it takes
/// effect, and refused with a <see cref="ReviewException"/> when it is not allowed.
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <remarks>
/// Make one with <see cref="ReviewGateBuilder{TContext}"/>, or in dependency injection with
/// <c>services.AddHitlPolicy(...).AddReviewGate()</c>.
/// </remarks>
/// <example>
/// <code>
/// var result = await gate.SubmitAsync(new GateRequest&lt;LoanRequest&gt; { Context = request, Payload = offerJson });
/// if (result.MayExecute) { Execute(offerJson); }
/// else if (result.Disposition == GateDisposition.Pending)
/// {
///     var outcome = await gate.WaitForOutcomeAsync(result.CaseId, cancellationToken);
///     if (outcome.Execute) { Execute(outcome.Payload!); }
/// }
/// </code>
/// </example>
public sealed partial class ReviewGate<TContext> : IReviewGate, IDisposable
{
    private const string SystemActor = "system";
    private static readonly TimeSpan RetryAfterFailedTimeout = TimeSpan.FromSeconds(5);
    private readonly ICaseStore _store;
    private readonly CaseLocks _locks = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changed = new(StringComparer.Ordinal);
    private readonly IEscalationPolicy<TContext> _policy;

    /// <summary>The policy that knows the hash and the tiers: <see cref="_policy"/>, or the active policy behind a live shadow.</summary>
    private readonly IEscalationPolicy<TContext> _known;
    private readonly IReviewSink _reviewSink;
    private readonly IReviewerDirectory _reviewers;
    private readonly INotificationSink? _notifications;
    private readonly EscalationHandlerRegistration[] _handlers;
    private readonly ICompensationHook? _compensation;
    private readonly ReviewGateOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GateMetrics _metrics;
    private readonly ITimer? _sweepTimer;
    private readonly bool _ownsMetrics;
    private readonly SegmentReader<TContext>[] _segments;
    private int _releaseDue;
    private TaskCompletionSource _switchReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes the gate from a builder that has checked every part; see <see cref="ReviewGateBuilder{TContext}"/>.</summary>
    internal ReviewGate(ReviewGateBuilder<TContext> parts, ReviewGateOptions options)
    {
        _policy = parts.Policy;
        _known = _policy is Feedback.LiveShadow<TContext> shadow ? shadow.Active : _policy;
        _store = parts.CaseStore ?? new InMemoryCaseStore(parts.AuditStore!);
        _reviewSink = parts.ReviewSink!;
        _reviewers = parts.Reviewers!;
        _options = options;
        _notifications = parts.Notifications;
        _handlers = [.. parts.Handlers];
        _segments = [.. parts.Segments];
        _compensation = parts.Compensation;
        _time = parts.Time;
        _logger = parts.Logger;
        _ownsMetrics = parts.Metrics is null;
        _metrics = parts.Metrics ?? new GateMetrics();
        KillSwitch = parts.KillSwitch ?? _known switch
        {
            CompiledPolicy<TContext> compiled => compiled.KillSwitch,
            ReloadablePolicy<TContext> reloadable => reloadable.KillSwitch,
            _ => new KillSwitch(_time),
        };
        KillSwitch.Changed += OnKillSwitchChanged;
        StartSharing();
        if (_options.SweepInterval is { } interval)
        {
            _sweepTimer = _time.CreateTimer(static state => ((ReviewGate<TContext>)state!).SweepFromTimer(), this, interval, interval);
        }

        Recovery = RecoverAsync(_time.GetUtcNow());
    }

    /// <summary>
    /// The sweep the gate runs as it starts, over the cases already in its store (opened before a restart, or by another
    /// instance): deadlines that had passed when the gate started take their fallback (escalate or block, never approve), held
    /// cases whose kill switch is off execute, and closed cases past their retention are purged. Await it to know it
    /// is done; it never throws (a case whose fallback cannot be recorded is logged and tried again by the next act,
    /// wait or sweep).
    /// </summary>
    public Task Recovery { get; }

    /// <summary>The policy the gate routes and explains with.</summary>
    public IEscalationPolicy<TContext> Policy => _policy;

    /// <summary>The case store the gate keeps its cases in (its trail is <see cref="ICaseStore.Audit"/>).</summary>
    public ICaseStore Cases => _store;

    /// <summary>
    /// The kill switch the gate obeys: while it covers an action type, nothing of that type executes through the gate
    /// (auto-execute opens a review; an approval is held, <see cref="CaseState.Held"/>, until the switch is released).
    /// </summary>
    public KillSwitch KillSwitch { get; }

    /// <summary>The reviewer directory the gate checks every act against.</summary>
    public IReviewerDirectory Reviewers => _reviewers;

    /// <summary>The role a reviewer needs to decide cases (<see cref="ReviewGateOptions.ReviewerRole"/>).</summary>
    public string ReviewerRole => _options.ReviewerRole;

    /// <summary>The role a person needs to turn the kill switch (<see cref="ReviewGateOptions.OperatorRole"/>).</summary>
    public string OperatorRole => _options.OperatorRole;

    /// <summary>
    /// Takes one decision through the gate. Auto-execute: recorded and returned as <see cref="GateDisposition.Execute"/>
    /// (notice-only also notifies; if the notice cannot be delivered, a review opens instead). Review and escalate:
    /// recorded, a case opens and its ticket goes to the review sink. Block: recorded and returned.
    /// </summary>
    /// <param name="request">The decision, its context and the payload.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>What to do now, and the case id.</returns>
    /// <exception cref="ReviewException">
    /// The audit store failed (<see cref="ReviewErrorCode.AuditAppendFailed"/>: nothing may run), the review sink failed
    /// (<see cref="ReviewErrorCode.ReviewSinkFailed"/>: the case stays pending), or the case id is taken
    /// (<see cref="ReviewErrorCode.InvalidState"/>).
    /// </exception>
    public ValueTask<GateResult> SubmitAsync(GateRequest<TContext> request, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.submit", request?.CaseId, request?.Requester, () => SubmitCoreAsync(request!, cancellationToken));

    private async ValueTask<GateResult> SubmitCoreAsync(GateRequest<TContext> request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Payload);
        await EnsureKillSwitchKnownAsync(cancellationToken).ConfigureAwait(false);
        await ReleaseHeldIfDueAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var caseId = request.CaseId ?? Guid.CreateVersion7(now).ToString("N");
        RequirePayloadLength(request.Payload, caseId, request.Requester, "submitted");

        // The gate routes the context itself: a decision handed in is only a check that the host saw the same one.
        var decision = _policy.Route(request.Context);
        if (request.Decision is { } handed && handed != decision)
        {
            throw Refuse(ReviewErrorCode.DecisionMismatch, caseId, request.Requester,
                $"The decision handed to the gate ({handed}) is not what policy '{decision.PolicyId}' version '{decision.PolicyVersion}' " +
                $"gives for the context now ({decision}): the policy was reloaded, a kill switch changed, or the decision is for other signals. " +
                "Nothing was recorded or run; route again, or leave GateRequest.Decision out.");
        }

        if (GateMetrics.Own(Activity.Current) is { } activity)
        {
            activity.SetTag(HitlTelemetry.CaseIdTag, caseId);
            activity.SetTag(HitlTelemetry.ActionTypeTag, decision.ActionType);
            activity.SetTag(HitlTelemetry.RouteTag, decision.Route.ToJsonName());
        }

        var segments = SegmentsOf(request, caseId);
        var c = ReviewCase.From(new CaseRecord
        {
            Id = caseId,
            State = CaseState.Pending,
            Route = decision.Route,
            DecidedRoute = decision.Route,
            ActionType = decision.ActionType,
            PolicyId = decision.PolicyId,
            PolicyVersion = decision.PolicyVersion,
            PolicyHash = PolicyHashOf(decision),
            DecidedBy = decision.DecidedBy,
            FiredRules = decision.FiredRules.ToArray(),
            Flags = decision.Flags,
            Tiers = decision.PolicyTiers,
            Payload = request.Payload,
            PayloadDigest = PayloadDigest.Of(request.Payload, _options),
            RequestId = request.RequestId,
            Requester = request.Requester,
            Subject = request.Subject,
            Summary = request.Summary,
            ModelId = request.ModelId,
            ModelVersion = request.ModelVersion,
            ReceivedAt = request.ReceivedAt,
            RetentionClass = request.RetentionClass,
            Correlation = CaseCorrelation.Checked(request.Correlation, caseId),
            Confidence = request.Confidence,
            Risk = request.Risk,
            OpenedAt = now,
            RoundOpenedAt = now,
        });

        try
        {
            return await ProcessAsync(c, decision, request, segments, cancellationToken).ConfigureAwait(false);
        }
        catch (CaseConflictException)
        {
            throw Refuse(ReviewErrorCode.InvalidState, caseId, null, $"Case id '{caseId}' is already in use; give each model output its own case.");
        }
    }

    private async ValueTask<GateResult> ProcessAsync(
        ReviewCase c, Decision decision, GateRequest<TContext> request, IReadOnlyDictionary<string, string>? segments, CancellationToken cancellationToken)
    {
        var caseId = c.Id;
        var now = c.OpenedAt;
        _metrics.Decision(decision.Route, decision.ActionType);
        var route = decision.Route;
        var ticketReason = route == RouteLevel.Escalate ? TicketReason.Escalated : TicketReason.Review;
        if (route.IsAutomatic() && KillSwitch.IsEngaged(decision.ActionType))
        {
            // A policy that does not read this switch (or one engaged since routing): a person decides instead.
            route = RouteLevel.Review;
            ticketReason = TicketReason.KillSwitch;
        }

        if (route.IsAutomatic())
        {
            if (decision.IsSampledForAudit)
            {
                _metrics.Sampled(decision.ActionType);
            }

            if (route == RouteLevel.AutoExecuteWithNotice && !await TryNotifyAsync(c, now, cancellationToken).ConfigureAwait(false))
            {
                route = RouteLevel.Review;
                ticketReason = TicketReason.NoticeFailed;
            }
            else
            {
                c.Route = route;
                Close(c, CaseState.AutoExecuted, execute: true, decision.DecidedBy, null, null, now, atSubmit: true);
                var records = await CommitAsync(c, cancellationToken, DecidedEntry(c, route, now, CaseSegments.With(null, segments))).ConfigureAwait(false);
                return new GateResult { CaseId = caseId, Disposition = GateDisposition.Execute, Route = route, Decision = decision, AuditSequence = records[0].Sequence };
            }
        }

        if (route == RouteLevel.Block)
        {
            Close(c, CaseState.Blocked, execute: false, decision.DecidedBy, "policy-block", null, now, atSubmit: true);
            var records = await CommitAsync(c, cancellationToken, DecidedEntry(c, route, now, CaseSegments.With(null, segments))).ConfigureAwait(false);
            HitlLog.CaseBlocked(_logger, caseId, decision.ActionType, decision.DecidedBy);
            return new GateResult { CaseId = caseId, Disposition = GateDisposition.Blocked, Route = route, Decision = decision, AuditSequence = records[0].Sequence };
        }

        c.Route = route;
        if (ticketReason is TicketReason.NoticeFailed or TicketReason.KillSwitch)
        {
            c.Tier = 0;
            c.RequiredApprovals = 1;
        }
        else
        {
            c.Tier = Math.Min(decision.RequiredTierRank, Math.Max(0, c.Tiers.Count - 1));
            c.RequiredApprovals = Math.Max(1, decision.RequiredApprovals);
            c.ReviewDeadline = decision.ReviewDeadline;
            c.DeadlineAt = now + decision.ReviewDeadline;
            c.Fallback = decision.TimeoutFallback;
        }

        c.SuggestionWithheld = _options.For(c.ActionType).WithholdSuggestion;
        var trace = TryExplain(request.Context);
        c.Confidence ??= SignalValue(trace, StandardSignals.Confidence);
        c.Risk ??= SignalValue(trace, StandardSignals.Risk);
        var data = ticketReason switch
        {
            TicketReason.NoticeFailed => new Dictionary<string, string>(StringComparer.Ordinal) { ["raisedFrom"] = RouteLevel.AutoExecuteWithNotice.ToJsonName(), ["why"] = "notice could not be delivered" },
            TicketReason.KillSwitch => new Dictionary<string, string>(StringComparer.Ordinal) { ["raisedFrom"] = decision.Route.ToJsonName(), ["why"] = "kill switch engaged" },
            _ => null,
        };
        c.Ticket = BuildTicket(c, ticketReason, trace, now);
        var decided = await CommitAsync(c, cancellationToken, DecidedEntry(c, route, now, CaseSegments.With(data, segments))).ConfigureAwait(false);
        var routeName = route.ToJsonName();
        var tierName = c.TierName ?? "";
        HitlLog.CaseOpened(_logger, caseId, decision.ActionType, routeName, tierName, c.RequiredApprovals, decision.DecidedBy);
        await SendTicketAsync(c, c.Ticket, cancellationToken).ConfigureAwait(false);
        if (route == RouteLevel.Escalate)
        {
            _metrics.Escalation(c.ActionType, "policy");
            await RunEscalationHandlersAsync(c, c.Ticket, null, EscalationCause.Policy, null, now, cancellationToken).ConfigureAwait(false);
        }

        return new GateResult { CaseId = caseId, Disposition = GateDisposition.Pending, Route = route, Decision = decision, Ticket = c.Ticket, AuditSequence = decided[0].Sequence };
    }

    private string? PolicyHashOf(in Decision decision) => _known switch
    {
        ReloadablePolicy<TContext> reloadable => reloadable.HashFor(decision.PolicyId, decision.PolicyVersion),
        CompiledPolicy<TContext> compiled when string.Equals(compiled.PolicyId, decision.PolicyId, StringComparison.Ordinal)
            && string.Equals(compiled.PolicyVersion, decision.PolicyVersion, StringComparison.Ordinal) => compiled.PolicyHash,
        _ => null,
    };

    /// <summary>Waits for the outcome of a case (of its current round: a contest opens a new one).</summary>
    /// <param name="caseId">The case id.</param>
    /// <param name="cancellationToken">Cancels the wait (not the case).</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ReviewException">No such case (<see cref="ReviewErrorCode.CaseNotFound"/>), or the store could not be read at the start of the wait (<see cref="ReviewErrorCode.StoreUnavailable"/>).</exception>
    /// <remarks>
    /// The wait keeps the case's deadline itself: when the deadline passes before anyone decides, the fallback
    /// (escalate or block) applies and is recorded, whether or not a sweep runs. A timeout never approves. Once the case
    /// was read, the wait outlives an outage of the store: it reads again every
    /// <see cref="ReviewGateOptions.StorePollInterval"/> until the store answers (nothing can be decided meanwhile).
    /// </remarks>
    public async ValueTask<CaseOutcome> WaitForOutcomeAsync(string caseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var seen = false;
        while (true)
        {
            var changed = NextChange(caseId);
            var released = Volatile.Read(ref _switchReleased).Task;
            ReviewCase c;
            try
            {
                c = await LoadAsync(caseId, null, cancellationToken).ConfigureAwait(false);
                seen = true;
            }
            catch (ReviewException ex) when (seen && ex.Code == ReviewErrorCode.StoreUnavailable)
            {
                // The case exists, and the store is down for now: keep waiting (nothing can be decided meanwhile), read again later.
                HitlLog.WaitStoreUnavailable(_logger, ex, caseId);
                await Task.Delay(_options.StorePollInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (c.State is not (CaseState.Pending or CaseState.Held) && c.Outcome is { } outcome)
            {
                // Decided (here or elsewhere): drop the wake-up this wait may have left for a commit that will not come.
                _changed.TryRemove(KeyValuePair.Create(caseId, changed));
                return outcome;
            }

            // A held case whose switch is off is released; a pending case past its deadline falls back. When that
            // cannot be recorded, the case stays as it is (never run or approved unrecorded) and the wait tries again.
            Task? retry = null;
            var release = c.State == CaseState.Held && !KillSwitch.IsEngaged(c.ActionType);
            if (release || (c.State == CaseState.Pending && c.DeadlineAt is { } due && due <= _time.GetUtcNow()))
            {
                try
                {
                    _ = release
                        ? await ReleaseAsync(c.Id, cancellationToken).ConfigureAwait(false)
                        : await TimeOutAsync(c.Id, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    HitlLog.SweepFailed(_logger, ex, c.Id);
                    retry = Task.Delay(RetryAfterFailedTimeout, _time, cancellationToken);
                }
            }

            // Wake at this gate's next change of the case, the deadline, a kill switch release, or the poll for
            // changes made elsewhere (another gate on the store, another instance), whichever comes first.
            var wait = _options.StorePollInterval;
            if (c.State == CaseState.Pending && c.DeadlineAt is { } deadline)
            {
                var left = deadline - _time.GetUtcNow();
                wait = left < wait ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : wait;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = retry ?? Task.Delay(wait, _time, stop.Token);
            await Task.WhenAny(changed.Task, released, timer).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Looks a case up.</summary>
    /// <param name="caseId">The case id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The case as it stands in the store, or <see langword="null"/> when there is no such case (or it was purged).</returns>
    /// <exception cref="ReviewException">The case store could not be read (<see cref="ReviewErrorCode.StoreUnavailable"/>).</exception>
    public async ValueTask<ReviewCaseView?> GetCaseAsync(string caseId, CancellationToken cancellationToken = default) =>
        (await TryLoadAsync(caseId, null, cancellationToken).ConfigureAwait(false))?.View();

    private async ValueTask<ReviewCaseView> ViewAsync(string caseId, CancellationToken cancellationToken) =>
        (await LoadAsync(caseId, null, cancellationToken).ConfigureAwait(false)).View();

    /// <summary>Stops the deadline timer, when there is one, and releases the gate's own instruments.</summary>
    public void Dispose()
    {
        KillSwitch.Changed -= OnKillSwitchChanged;
        StopSharing();
        _sweepTimer?.Dispose();
        if (_ownsMetrics)
        {
            _metrics.Dispose();
        }
    }

    private void RequirePayloadLength(string payload, string? caseId, string? actor, string what)
    {
        if (payload.Length > _options.MaxPayloadLength)
        {
            throw Refuse(ReviewErrorCode.PayloadTooLarge, caseId, actor,
                $"The {what} payload of case '{caseId}' is {payload.Length:N0} characters; the gate takes at most {_options.MaxPayloadLength:N0} (ReviewGateOptions.MaxPayloadLength). Nothing was recorded.");
        }
    }

    private ReviewException Refuse(ReviewErrorCode code, string? caseId, string? actor, string message)
    {
        _metrics.Refusal(code);
        HitlLog.ActRefused(_logger, caseId, actor, code.ToString());
        return new ReviewException(code, caseId, actor, message);
    }

    private static AuditEntry DecidedEntry(ReviewCase c, RouteLevel route, DateTimeOffset now, IReadOnlyDictionary<string, string>? data)
    {
        var needsPerson = route is RouteLevel.Review or RouteLevel.Escalate;
        return new AuditEntry
        {
            Act = ActKind.Decided,
            CaseId = c.Id,
            At = now,
            ActionType = c.ActionType,
            RequestId = c.RequestId,
            PolicyId = c.PolicyId,
            PolicyVersion = c.PolicyVersion,
            PolicyHash = c.PolicyHash,
            InputDigest = c.PayloadDigest,
            Route = route,
            RequiredTier = needsPerson ? c.TierName : null,
            RequiredApprovals = needsPerson ? c.RequiredApprovals : null,
            RulesFired = c.FiredRules,
            DecidedBy = c.DecidedBy,
            Flags = c.Flags,
            Confidence = c.Confidence,
            Risk = c.Risk,
            Actor = SystemActor,
            Data = data,
            ModelId = c.ModelId,
            ModelVersion = c.ModelVersion,
            Requester = c.Requester,
            Subject = c.Subject,
            ReceivedAt = c.ReceivedAt,
            Correlation = c.Correlation,
        };
    }

    private static AuditEntry ActEntry(ReviewCase c, ActKind act, string actor, string actorRole, string? actorTier, string? reasonCode, string? reason, DateTimeOffset now) => new()
    {
        Act = act,
        CaseId = c.Id,
        At = now,
        ActionType = c.ActionType,
        RequestId = c.RequestId,
        PolicyId = c.PolicyId,
        PolicyVersion = c.PolicyVersion,
        PolicyHash = c.PolicyHash,
        InputDigest = c.PayloadDigest,
        EditedDigest = c.EditedDigest,
        Route = c.Route,
        RequiredTier = c.TierName,
        RequiredApprovals = c.State == CaseState.Pending ? c.RequiredApprovals : null,
        DecidedBy = c.DecidedBy,
        Confidence = c.Confidence,
        Actor = actor,
        ActorRole = actorRole,
        ActorTier = actorTier,
        ReasonCode = reasonCode,
        Reason = reason,
        Correlation = c.Correlation,
    };

    /// <summary>The case's segments: the request's own (checked; a bad one refuses the submit) over the declared readers' (a bad one is left out).</summary>
    private Dictionary<string, string>? SegmentsOf(GateRequest<TContext> request, string caseId)
    {
        var given = CaseCorrelation.Checked(request.Segments, caseId, nameof(GateRequest<TContext>.Segments));
        if (given is null && _segments.Length == 0)
        {
            return null;
        }

        var segments = given is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(given, StringComparer.Ordinal);
        foreach (var reader in _segments)
        {
            if (segments.ContainsKey(reader.Name))
            {
                continue;
            }

            string? value;
            try
            {
                value = reader.Read(request.Context);
            }
#pragma warning disable CA1031 // A segment is for oversight only: a reader that fails leaves it out and never stops the case.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                HitlLog.SegmentUnreadable(_logger, ex, caseId, reader.Name);
                continue;
            }

            if (CaseSegments.IsValue(value))
            {
                segments[reader.Name] = value!;
            }
            else if (!string.IsNullOrEmpty(value))
            {
                HitlLog.SegmentUnreadable(_logger, null, caseId, reader.Name);
            }
        }

        return segments.Count == 0 ? null : segments;
    }

    private DecisionTrace? TryExplain(TContext context)
    {
        try
        {
            return _policy.Explain(in context);
        }
#pragma warning disable CA1031 // The ticket is still made without the trace; the decision already failed closed if it had to.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static double? SignalValue(DecisionTrace? trace, string signal)
    {
        if (trace is null)
        {
            return null;
        }

        foreach (var input in trace.Signals)
        {
            if (string.Equals(input.Signal, signal, StringComparison.Ordinal))
            {
                var text = input.Value;
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                return double.TryParse(space > 0 ? text[..space] : text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }

        return null;
    }

    private ReviewTicket BuildTicket(ReviewCase c, TicketReason reason, DecisionTrace? trace, DateTimeOffset now)
    {
        var settings = _options.For(c.ActionType);
        var fired = trace?.Rules.Where(r => r.Fired).ToArray() ?? [];
        return new ReviewTicket
        {
            CaseId = c.Id,
            Reason = reason,
            ActionType = c.ActionType,
            Route = c.Route,
            RequiredTier = c.TierName ?? "",
            RequiredApprovals = c.RequiredApprovals,
            DeadlineAt = c.DeadlineAt,
            TimeoutFallback = c.DeadlineAt is null ? null : c.Fallback ?? RouteLevel.Block,
            Confidence = c.Confidence,
            Risk = c.Risk,
            FiredRules = c.FiredRules,
            FiredRuleDetails = fired,
            DecidedBy = c.DecidedBy,
            Why = trace?.Why ?? $"{c.DecidedRoute.ToJsonName()} by {c.DecidedBy}",
            ModelWeaknesses = settings.Weaknesses,
            Summary = c.Summary,
            SuggestionWithheld = settings.WithholdSuggestion,
            Suggestion = settings.WithholdSuggestion ? null : c.ExecutedPayload,
            Requester = c.Requester,
            Subject = c.Subject,
            Correlation = c.Correlation,
            PolicyId = c.PolicyId,
            PolicyVersion = c.PolicyVersion,
            At = now,
        };
    }

    private ReviewTicket Reticket(ReviewCase c, TicketReason reason, DateTimeOffset now) =>
        c.Ticket is { } last
            ? last with
            {
                Reason = reason,
                Route = c.Route,
                RequiredTier = c.TierName ?? "",
                RequiredApprovals = c.RequiredApprovals,
                DeadlineAt = c.DeadlineAt,
                TimeoutFallback = c.DeadlineAt is null ? null : (c.TimeoutEscalated ? RouteLevel.Block : c.Fallback ?? RouteLevel.Block),
                Suggestion = last.SuggestionWithheld ? null : c.ExecutedPayload,
                At = now,
            }
            : BuildTicket(c, reason, null, now);

    private async ValueTask SendTicketAsync(ReviewCase c, ReviewTicket ticket, CancellationToken cancellationToken)
    {
        try
        {
            await _reviewSink.SubmitAsync(ticket, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.Refusal(ReviewErrorCode.ReviewSinkFailed);
            throw new ReviewException(ReviewErrorCode.ReviewSinkFailed, c.Id, null,
                $"The review sink could not take the ticket of case '{c.Id}'; the case stays pending and is never executed without a review: {ex.Message}", ex);
        }
    }

    private async ValueTask<bool> TryNotifyAsync(ReviewCase c, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_notifications is null)
        {
            return false;
        }

        try
        {
            await _notifications.NotifyAsync(new Notice
            {
                Kind = NoticeKind.AutoExecutedWithNotice,
                CaseId = c.Id,
                ActionType = c.ActionType,
                Route = RouteLevel.AutoExecuteWithNotice,
                DecidedBy = c.DecidedBy,
                At = now,
                Message = $"'{c.ActionType}' runs without review (case {c.Id}); override or reverse it if it is wrong.",
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            HitlLog.NoticeFailed(_logger, ex, c.Id);
            return false;
        }
    }

    private async ValueTask NotifyQuietlyAsync(Notice notice, CancellationToken cancellationToken)
    {
        if (_notifications is null)
        {
            return;
        }

        try
        {
            await _notifications.NotifyAsync(notice, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lost after-the-fact notice must not undo an act that is already on record.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.NoticeFailed(_logger, ex, notice.CaseId);
        }
    }

    private async ValueTask RunEscalationHandlersAsync(
        ReviewCase c, ReviewTicket ticket, string? previousTier, EscalationCause cause, string? actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_handlers.Length == 0)
        {
            return;
        }

        var escalation = new Escalation
        {
            CaseId = c.Id,
            ActionType = c.ActionType,
            Tier = c.TierName ?? "",
            PreviousTier = previousTier,
            Cause = cause,
            Actor = actor,
            At = now,
            Ticket = ticket,
        };
        foreach (var registration in _handlers)
        {
            if (!registration.Matches(escalation))
            {
                continue;
            }

            try
            {
                if (await registration.Handler.HandleAsync(escalation, cancellationToken).ConfigureAwait(false) == EscalationHandling.Stop)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                HitlLog.EscalationHandlerFailed(_logger, ex, registration.Handler.GetType().Name, c.Id);
            }
        }
    }

    /// <summary>Closes the working copy (the caller commits it): state, outcome, retention; the review's latency unless decided at submit.</summary>
    private void Close(ReviewCase c, CaseState state, bool execute, string decidedBy, string? reasonCode, string? reason, DateTimeOffset now, bool atSubmit = false)
    {
        var alreadyExecuted = c.Executed;
        c.State = state;
        c.ClosedAt = now;
        c.DeadlineAt = null;
        c.RetainUntil = now + _options.RetentionFor(c.RetentionClass);
        if (execute)
        {
            c.Executed = true;
        }

        c.Outcome = new CaseOutcome
        {
            CaseId = c.Id,
            Execute = execute,
            Payload = execute ? c.ExecutedPayload : null,
            Edited = execute && c.EditedPayload is not null,
            State = state,
            AlreadyExecuted = alreadyExecuted,
            DecidedBy = decidedBy,
            ReasonCode = reasonCode,
            Reason = reason,
            At = now,
        };
        if (!atSubmit)
        {
            _metrics.ReviewDuration(c.ActionType, state, now - c.RoundOpenedAt);
        }
    }
}
