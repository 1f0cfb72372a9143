using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hitl.Policy.Review;

/// <summary>
/// Turns the core <see cref="KillSwitch"/> on and off as an audited act: the person must hold the operator role, and
/// every change is appended to the audit store with who, why and the scope (global or one action type). While a
/// switch is on, no decision auto-executes (<c>Route()</c> enforces it).
/// </summary>
/// <remarks>
/// Releasing is recorded before it takes effect: if the record fails, the switch stays on. Engaging stops automation
/// even when the record fails (stopping is the safe direction), and then throws so that the operator knows the act
/// is not on record. When the audit store shares the switch between instances (<see cref="IKillSwitchStore"/>, as the
/// PostgreSQL store does), the change and its record commit together and every gate on the store follows it; an engage
/// whose record failed stops this instance only, and the message says so.
/// </remarks>
public sealed class AuditedKillSwitch
{
    private const string OperatorRoleName = "operator";
    private readonly IAuditStore _audit;
    private readonly IReviewerDirectory _directory;
    private readonly string _operatorRole;
    private readonly ILogger _logger;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="killSwitch">The switch the policy obeys.</param>
    /// <param name="auditStore">Where changes are recorded.</param>
    /// <param name="directory">Who holds the operator role.</param>
    /// <param name="options">Names the operator role; defaults when omitted.</param>
    /// <param name="logger">The logger.</param>
    /// <remarks>Records and changes are stamped by the switch's own clock (its <see cref="TimeProvider"/>).</remarks>
    public AuditedKillSwitch(KillSwitch killSwitch, IAuditStore auditStore, IReviewerDirectory directory, ReviewGateOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(killSwitch);
        ArgumentNullException.ThrowIfNull(auditStore);
        ArgumentNullException.ThrowIfNull(directory);
        Inner = killSwitch;
        _audit = auditStore;
        _directory = directory;
        _operatorRole = options?.OperatorRole ?? OperatorRoleName;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The switch itself (read it; change it through this wrapper).</summary>
    public KillSwitch Inner { get; }

    /// <summary>Turns a switch on: nothing (of the action type, or at all) auto-executes until it is released.</summary>
    /// <param name="actionType">The action type, or <see langword="null"/> for the global switch.</param>
    /// <param name="actor">Who; must hold the operator role.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the wait for the record.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ReviewException">The actor is refused, or the record failed (the switch is on regardless).</exception>
    public ValueTask<KillSwitchChange> EngageAsync(string? actionType, string actor, string reason, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.engage_kill_switch", null, actor, () => EngageCoreAsync(actionType, actor, reason, cancellationToken));

    private async ValueTask<KillSwitchChange> EngageCoreAsync(string? actionType, string actor, string reason, CancellationToken cancellationToken)
    {
        var person = await CheckAsync(actor, reason, cancellationToken).ConfigureAwait(false);
        var now = Inner.Time.GetUtcNow();
        long? sequence;
        try
        {
            sequence = await RecordAsync(ActKind.KillSwitchEngaged, actionType, person, reason, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Inner.Set(actionType, true, actor, reason, now);
            HitlLog.KillSwitchChanged(_logger, Scope(actionType), "engaged (not on record)", actor, reason);
            throw new ReviewException(ReviewErrorCode.AuditAppendFailed, null, actor,
                $"The kill switch ({Scope(actionType)}) is ON{(_audit is IKillSwitchStore ? " on this instance only" : "")}, but the audit store could not record it: {ex.Message}", ex);
        }

        var change = Inner.Set(actionType, true, actor, reason, now, sequence);
        HitlLog.KillSwitchChanged(_logger, Scope(actionType), "engaged", actor, reason);
        return change;
    }

    /// <summary>Turns a switch off, once the change is on record.</summary>
    /// <param name="actionType">The action type, or <see langword="null"/> for the global switch.</param>
    /// <param name="actor">Who; must hold the operator role.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the wait for the record.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ReviewException">The actor is refused, or the record failed (the switch stays on).</exception>
    public ValueTask<KillSwitchChange> ReleaseAsync(string? actionType, string actor, string reason, CancellationToken cancellationToken = default) =>
        GateMetrics.TracedAsync("hitl.gate.release_kill_switch", null, actor, () => ReleaseCoreAsync(actionType, actor, reason, cancellationToken));

    private async ValueTask<KillSwitchChange> ReleaseCoreAsync(string? actionType, string actor, string reason, CancellationToken cancellationToken)
    {
        var person = await CheckAsync(actor, reason, cancellationToken).ConfigureAwait(false);
        var now = Inner.Time.GetUtcNow();
        long? sequence;
        try
        {
            sequence = await RecordAsync(ActKind.KillSwitchReleased, actionType, person, reason, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new ReviewException(ReviewErrorCode.AuditAppendFailed, null, actor,
                $"The kill switch ({Scope(actionType)}) stays on: the audit store could not record its release: {ex.Message}", ex);
        }

        var change = Inner.Set(actionType, false, actor, reason, now, sequence);
        HitlLog.KillSwitchChanged(_logger, Scope(actionType), "released", actor, reason);
        return change;
    }

    private async ValueTask<Reviewer> CheckAsync(string actor, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ReviewException(ReviewErrorCode.MissingReason, null, actor, $"A kill switch change needs a reason; '{actor}' gave none.");
        }

        var person = await _directory.FindAsync(actor, cancellationToken).ConfigureAwait(false)
            ?? throw new ReviewException(ReviewErrorCode.UnknownReviewer, null, actor, $"'{actor}' is not in the reviewer directory.");
        return person.HasRole(_operatorRole)
            ? person
            : throw new ReviewException(ReviewErrorCode.MissingRole, null, actor, $"'{actor}' does not hold the role '{_operatorRole}' needed to change a kill switch.");
    }

    /// <summary>
    /// Records the change: in a store that shares the switch (<see cref="IKillSwitchStore"/>) the shared state and the
    /// record commit together, and every instance on the store follows; otherwise the record alone.
    /// </summary>
    private async ValueTask<long?> RecordAsync(ActKind act, string? actionType, Reviewer person, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = Entry(act, actionType, person, reason, now);
        if (_audit is IKillSwitchStore shared)
        {
            var record = await shared.RecordKillSwitchAsync(new KillSwitchChange(actionType, act == ActKind.KillSwitchEngaged, person.Id, reason, now), entry, cancellationToken).ConfigureAwait(false);
            return record.Sequence;
        }

        await _audit.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static AuditEntry Entry(ActKind act, string? actionType, Reviewer person, string reason, DateTimeOffset now) => new()
    {
        Act = act,
        CaseId = "kill-switch:" + (actionType ?? "*"),
        At = now,
        ActionType = actionType,
        Actor = person.Id,
        ActorRole = OperatorRoleName,
        ActorTier = person.Tier,
        ReasonCode = act == ActKind.KillSwitchEngaged ? "kill-switch-engaged" : "kill-switch-released",
        Reason = reason,
        Data = new Dictionary<string, string>(StringComparer.Ordinal) { ["scope"] = actionType ?? "global" },
    };

    private static string Scope(string? actionType) => actionType ?? "global";
}
