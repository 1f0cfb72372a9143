using System.Collections.Frozen;

namespace Hitl.Policy;

/// <summary>
/// Stops automation, globally or per action type: while it is on, no decision auto-executes (the route is at least
/// review). Outlives policy reloads. Every change names who and why and is raised through <see cref="Changed"/>,
/// so an audit trail can record it.
/// </summary>
/// <remarks>Reading it on the hot path is one volatile read; changes swap an immutable snapshot.</remarks>
public sealed class KillSwitch
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private volatile Snapshot _state = Snapshot.Off;

    /// <summary>Creates a switch that is off everywhere.</summary>
    /// <param name="timeProvider">The clock that stamps every change; the system clock when omitted.</param>
    public KillSwitch(TimeProvider? timeProvider = null) => Time = timeProvider ?? TimeProvider.System;

    /// <summary>The clock that stamps every change (and the audited switch's records).</summary>
    internal TimeProvider Time { get; }

    /// <summary>Raised after every change, on the thread that made it.</summary>
    public event EventHandler<KillSwitchChange>? Changed;

    /// <summary>Whether the global switch is on.</summary>
    public bool IsGlobalEngaged => _state.Global;

    /// <summary>The action types whose switch is on.</summary>
    public IReadOnlyCollection<string> EngagedActionTypes => _state.Actions;

    /// <summary>Whether automation is stopped for this action type (globally or for the type).</summary>
    /// <param name="actionType">The action type.</param>
    /// <returns><see langword="true"/> when stopped.</returns>
    public bool IsEngaged(string? actionType)
    {
        var state = _state;
        return state.Any && (state.Global || (actionType is not null && state.Actions.Contains(actionType)));
    }

    /// <summary>Turns a switch on.</summary>
    /// <param name="actionType">The action type, or <see langword="null"/> for the global switch.</param>
    /// <param name="actor">Who turned it on.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The change, stamped by the switch's clock, as raised through <see cref="Changed"/>.</returns>
    public KillSwitchChange Engage(string? actionType, string actor, string reason) => Set(actionType, true, actor, reason, Time.GetUtcNow());

    /// <summary>Turns a switch off.</summary>
    /// <param name="actionType">The action type, or <see langword="null"/> for the global switch.</param>
    /// <param name="actor">Who turned it off.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The change, stamped by the switch's clock, as raised through <see cref="Changed"/>.</returns>
    public KillSwitchChange Release(string? actionType, string actor, string reason) => Set(actionType, false, actor, reason, Time.GetUtcNow());

    /// <summary>
    /// Brings the switch to a shared state (the last change of each scope, as the instances sharing a store recorded
    /// it): a scope changes when the shared change is newer (a higher <see cref="KillSwitchChange.Sequence"/>) than the
    /// last shared change this switch applied or made there, raising <see cref="Changed"/> when its state differs. A
    /// state read before this switch's own latest change is therefore never applied over it.
    /// </summary>
    /// <returns>How many scopes changed state.</returns>
    internal int Apply(IReadOnlyList<KillSwitchChange> shared)
    {
        List<KillSwitchChange>? raised = null;
        lock (_gate)
        {
            foreach (var last in shared)
            {
                if (last.Sequence is not { } sequence || sequence <= _sequences.GetValueOrDefault(ScopeKey(last.ActionType)))
                {
                    continue;
                }

                _sequences[ScopeKey(last.ActionType)] = sequence;
                var state = _state;
                if ((last.ActionType is null ? state.Global : state.Actions.Contains(last.ActionType)) != last.Engaged)
                {
                    SetLocked(last.ActionType, last.Engaged);
                    (raised ??= []).Add(last);
                }
            }
        }

        foreach (var change in raised ?? [])
        {
            Changed?.Invoke(this, change);
        }

        return raised?.Count ?? 0;
    }

    /// <summary>Changes a switch at a time already on record (the audited switch stamps record and change alike).</summary>
    /// <remarks>A <paramref name="sequence"/> is the audit sequence of the change's record in a store that shares the switch.</remarks>
    internal KillSwitchChange Set(string? actionType, bool engaged, string actor, string reason, DateTimeOffset at, long? sequence = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (actionType is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(actionType);
        }

        lock (_gate)
        {
            SetLocked(actionType, engaged);
            if (sequence is { } recorded && recorded > _sequences.GetValueOrDefault(ScopeKey(actionType)))
            {
                _sequences[ScopeKey(actionType)] = recorded;
            }
        }

        var change = new KillSwitchChange(actionType, engaged, actor, reason, at) { Sequence = sequence };
        Changed?.Invoke(this, change);
        return change;
    }

    private static string ScopeKey(string? actionType) => actionType ?? "";

    private void SetLocked(string? actionType, bool engaged)
    {
        var state = _state;
        if (actionType is null)
        {
            _state = new Snapshot(engaged, state.Actions);
            return;
        }

        var actions = new HashSet<string>(state.Actions, StringComparer.Ordinal);
        if (engaged)
        {
            actions.Add(actionType);
        }
        else
        {
            actions.Remove(actionType);
        }

        _state = new Snapshot(state.Global, actions.ToFrozenSet(StringComparer.Ordinal));
    }

    private sealed class Snapshot(bool global, FrozenSet<string> actions)
    {
        public static readonly Snapshot Off = new(false, FrozenSet<string>.Empty);

        public bool Global { get; } = global;

        public FrozenSet<string> Actions { get; } = actions;

        /// <summary>Whether any switch is on: the one field the hot path reads while every switch is off.</summary>
        public bool Any { get; } = global || actions.Count > 0;
    }
}

/// <summary>One change of a <see cref="KillSwitch"/>: an audited act.</summary>
/// <param name="ActionType">The action type, or <see langword="null"/> for the global switch.</param>
/// <param name="Engaged">Whether the switch was turned on.</param>
/// <param name="Actor">Who changed it.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When.</param>
public sealed record KillSwitchChange(string? ActionType, bool Engaged, string Actor, string Reason, DateTimeOffset At)
{
    /// <summary>
    /// The audit sequence number of the change's record, in a store that shares the switch between instances
    /// (<see cref="Review.IKillSwitchStore"/>); <see langword="null"/> for a change of this process alone. The later of two
    /// changes of a scope has the higher sequence, whichever instance's clock stamped it.
    /// </summary>
    public long? Sequence { get; init; }
}
