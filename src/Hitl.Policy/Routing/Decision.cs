using System.Globalization;
using System.Text;

namespace Hitl.Policy;

/// <summary>
/// What <see cref="IEscalationPolicy{TContext}.Route"/> decided for one model output: the route and what a reviewer
/// queue needs. A small value type; reading it allocates nothing (names are references into the compiled policy).
/// </summary>
/// <remarks><c>default(Decision)</c> reads as <see cref="RouteLevel.Block"/>: an uninitialised decision never lets an action run.</remarks>
public readonly struct Decision : IEquatable<Decision>
{
    internal const short DeciderDefault = -1;
    internal const short DeciderKillSwitch = -2;
    internal const short DeciderInvalidSignal = -3;
    internal const short DeciderUnknownAction = -4;
    internal const short DeciderAuditSample = -5;
    internal const short DeciderIrreversible = -6;
    internal const short DeciderRuleFault = -7;

    private readonly ActionRuleTable? _table;
    private readonly ulong _fired0;
    private readonly ulong _fired1;
    private readonly long _deadlineTicks;
    private readonly short _decider;
    private readonly short _invalidSignal;
    private readonly DecisionFlags _flags;
    private readonly byte _routeCode;
    private readonly byte _timeoutCode;
    private readonly byte _tier;
    private readonly byte _approvals;

    internal Decision(
        ActionRuleTable table, RouteLevel route, int tier, int approvals, long deadlineTicks, RouteLevel timeoutFallback,
        DecisionFlags flags, int decider, int invalidSignal, ulong fired0, ulong fired1)
    {
        _table = table;
        _routeCode = (byte)((byte)route + 1);
        _tier = (byte)tier;
        _approvals = (byte)approvals;
        _deadlineTicks = deadlineTicks;
        _timeoutCode = (byte)((byte)timeoutFallback + 1);
        _flags = flags;
        _decider = (short)decider;
        _invalidSignal = (short)invalidSignal;
        _fired0 = fired0;
        _fired1 = fired1;
    }

    /// <summary>The route on the ladder.</summary>
    public RouteLevel Route => _routeCode == 0 ? RouteLevel.Block : (RouteLevel)(_routeCode - 1);

    /// <summary>Whether the action may run now without a person approving it first.</summary>
    public bool MayAutoExecute => Route.IsAutomatic();

    /// <summary>Whether a person must approve (or the action is blocked).</summary>
    public bool RequiresHuman => !Route.IsAutomatic();

    /// <summary>
    /// The required reviewer tier as an index into the policy's tiers (0 is the lowest). 0 when no person is needed.
    /// </summary>
    public int RequiredTierRank => _tier;

    /// <summary>The required reviewer tier's name from the policy, or <see langword="null"/> when no person is needed.</summary>
    public string? RequiredTier =>
        RequiresHuman && Route != RouteLevel.Block && _table is not null && _tier < _table.Policy.Tiers.Length
            ? _table.Policy.Tiers[_tier]
            : null;

    /// <summary>How many distinct people must approve. 0 when no person is needed.</summary>
    public int RequiredApprovals => _approvals;

    /// <summary>How long a review may wait before <see cref="TimeoutFallback"/> applies; <see langword="null"/> when no review.</summary>
    public TimeSpan? ReviewDeadline => _deadlineTicks > 0 ? new TimeSpan(_deadlineTicks) : null;

    /// <summary>What a review that passes its deadline falls back to (escalate or block, never approve); <see langword="null"/> when no review.</summary>
    public RouteLevel? TimeoutFallback => _timeoutCode == 0 || _deadlineTicks <= 0 ? null : (RouteLevel)(_timeoutCode - 1);

    /// <summary>Facts about the decision: sampled for audit, kill switch active, invalid signal, ...</summary>
    public DecisionFlags Flags => _table is null ? DecisionFlags.InvalidSignal : _flags;

    /// <summary>Whether the request was drawn by the deterministic audit sample.</summary>
    public bool IsSampledForAudit => (_flags & DecisionFlags.SampledForAudit) != 0;

    /// <summary>
    /// The id of the rule that set the route: the first rule, in evaluation order, that proposed the final route,
    /// or one of <see cref="BuiltInRules"/> when the engine itself set it.
    /// </summary>
    public string DecidedBy => _table is null
        ? BuiltInRules.InvalidSignal
        : _decider switch
        {
            >= 0 => _table.RuleIds[_decider],
            DeciderKillSwitch => BuiltInRules.KillSwitch,
            DeciderInvalidSignal => BuiltInRules.InvalidSignal,
            DeciderUnknownAction => BuiltInRules.UnknownActionType,
            DeciderAuditSample => BuiltInRules.AuditSample,
            DeciderIrreversible => BuiltInRules.IrreversibleNeedsPerson,
            DeciderRuleFault => BuiltInRules.RuleFault,
            _ => BuiltInRules.DefaultRoute,
        };

    /// <summary>Every rule of the policy that fired, in evaluation order.</summary>
    public FiredRuleSet FiredRules => new(_table, _fired0, _fired1);

    /// <summary>The name of the first invalid signal, when <see cref="DecisionFlags.InvalidSignal"/> is set.</summary>
    public string? InvalidSignal => _table is null || _invalidSignal < 0 ? null : _table.Policy.Signals[_invalidSignal];

    /// <summary>The action type the decision was made for, as the policy names it (or as the host gave it, when unknown).</summary>
    public string? ActionType => _table?.ActionType;

    /// <summary>The id of the policy that decided.</summary>
    public string? PolicyId => _table?.Policy.Id;

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion => _table?.Policy.Version;

    /// <summary>The reviewer tiers of the policy that decided, lowest first (empty for an uninitialised decision).</summary>
    internal IReadOnlyList<string> PolicyTiers => _table is null ? [] : _table.Policy.Tiers;

    /// <inheritdoc />
    public bool Equals(Decision other) =>
        _routeCode == other._routeCode && _tier == other._tier && _approvals == other._approvals &&
        _deadlineTicks == other._deadlineTicks && _timeoutCode == other._timeoutCode && _flags == other._flags &&
        _decider == other._decider && _invalidSignal == other._invalidSignal &&
        _fired0 == other._fired0 && _fired1 == other._fired1 &&
        string.Equals(PolicyId, other.PolicyId, StringComparison.Ordinal) &&
        string.Equals(PolicyVersion, other.PolicyVersion, StringComparison.Ordinal) &&
        string.Equals(ActionType, other.ActionType, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Decision other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_routeCode, _tier, _approvals, _deadlineTicks, _flags, _decider, _fired0, _fired1);

    /// <summary>Compares two decisions field by field.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(Decision left, Decision right) => left.Equals(right);

    /// <summary>Compares two decisions field by field.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(Decision left, Decision right) => !left.Equals(right);

    /// <summary>A one-line summary, for logs and tests (allocates).</summary>
    /// <returns>For example <c>review (tier senior, 2 approvals, deadline PT4H, then escalate) by impact.large</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Route.ToJsonName());
        if (RequiresHuman && Route != RouteLevel.Block)
        {
            text.Append(CultureInfo.InvariantCulture, $" (tier {RequiredTier ?? RequiredTierRank.ToString(CultureInfo.InvariantCulture)}, {RequiredApprovals} approval{(RequiredApprovals == 1 ? "" : "s")}");
            if (ReviewDeadline is { } deadline)
            {
                text.Append(CultureInfo.InvariantCulture, $", deadline {System.Xml.XmlConvert.ToString(deadline)}, then {TimeoutFallback?.ToJsonName()}");
            }

            text.Append(')');
        }

        text.Append(" by ").Append(DecidedBy);
        if (Flags != DecisionFlags.None)
        {
            text.Append(" [").Append(Flags.ToString()).Append(']');
        }

        if (InvalidSignal is { } signal)
        {
            text.Append(" invalid signal: ").Append(signal);
        }

        return text.ToString();
    }
}
