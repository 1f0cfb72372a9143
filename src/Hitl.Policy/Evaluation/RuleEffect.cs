using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// What a set of fired rules proposes, combined the way <c>Route()</c> combines rules: the highest route and the first
/// rule (in evaluation order) that proposed it, the highest tier and approvals, the shortest deadline, the strictest
/// timeout fallback, and the fired-rule bits. Combining is associative and commutative, so rules folded into tables by
/// the compiler and rules evaluated one by one give exactly the result of evaluating every rule in order.
/// </summary>
/// <remarks>
/// Laid out so that combining is three vector operations and no branch (the JIT does not turn a maximum inside a loop
/// into a conditional move, and a mispredicted branch costs more than the whole merge): the fired bits are OR-ed; the
/// route with the first rule, and the deadline, are one 64-bit maximum each (the route in the high half of
/// <c>Order[0]</c> and <c>int.MaxValue - first</c> in the low half, so "the higher route, and on a tie the earlier
/// rule" is one maximum; the deadline negated in <c>Order[1]</c>, so the shortest is the maximum); tier, approvals,
/// timeout fallback and truncation are four bytes of one byte-wise maximum.
/// </remarks>
internal struct RuleEffect
{
    public static readonly RuleEffect None = Create(key: 0, deadline: long.MaxValue, tier: 0, approvals: 0, RouteLevel.Escalate, truncated: false, 0, 0);

    private Vector128<ulong> _fired;
    private Vector128<long> _order;
    private Vector128<byte> _small;

    public readonly ulong Fired0 => _fired.GetElement(0);

    public readonly ulong Fired1 => _fired.GetElement(1);

    /// <summary>The shortest deadline proposed, in ticks; <see cref="long.MaxValue"/> when none.</summary>
    public readonly long Deadline => -_order.GetElement(1);

    /// <summary>The route (bits 32 and up) and <c>int.MaxValue - first</c> (bits 0 to 31); 0 when no rule fired.</summary>
    public readonly long Key => _order.GetElement(0);

    public readonly byte Tier => _small.GetElement(0);

    public readonly byte Approvals => _small.GetElement(1);

    public readonly RouteLevel OnTimeout => (RouteLevel)_small.GetElement(2);

    public readonly bool Truncated => _small.GetElement(3) != 0;

    /// <summary>The highest route proposed; <see cref="RouteLevel.AutoExecute"/> when no rule fired.</summary>
    public readonly RouteLevel Route => (RouteLevel)(Key >>> 32);

    /// <summary>The first rule (in evaluation order) that proposed <see cref="Route"/>; <see cref="int.MaxValue"/> when no rule fired.</summary>
    public readonly int First => int.MaxValue - (int)(uint)Key;

    /// <summary>Whether any rule fired.</summary>
    public readonly bool Any => Key != 0;

    /// <summary>The effect of rule <paramref name="index"/> of an action plan firing.</summary>
    public static RuleEffect Of(int index, Effect then)
    {
        ulong fired0 = 0, fired1 = 0;
        var truncated = false;
        if (index < 64)
        {
            fired0 = 1UL << index;
        }
        else if (index < FiredRuleSet.Capacity)
        {
            fired1 = 1UL << (index - 64);
        }
        else
        {
            truncated = true;
        }

        return Create(
            ((long)then.Route << 32) | (uint)(int.MaxValue - index), then.DeadlineTicks > 0 ? then.DeadlineTicks : long.MaxValue,
            then.Tier, then.Approvals, RouteLevelExtensions.Max(RouteLevel.Escalate, then.OnTimeout), truncated, fired0, fired1);
    }

    /// <summary>
    /// <paramref name="a"/> combined with <paramref name="b"/>, as a new value: the hot path merges this way, so that the
    /// effect it accumulates is never address-taken and the JIT keeps it in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RuleEffect Merge(RuleEffect a, in RuleEffect b) => new()
    {
        _fired = a._fired | b._fired,
        _order = Vector128.Max(a._order, b._order),
        _small = Vector128.Max(a._small, b._small),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in RuleEffect other)
    {
        _fired |= other._fired;
        _order = Vector128.Max(_order, other._order);
        _small = Vector128.Max(_small, other._small);
    }

    private static RuleEffect Create(
        long key, long deadline, byte tier, byte approvals, RouteLevel onTimeout, bool truncated, ulong fired0, ulong fired1) => new()
    {
        _fired = Vector128.Create(fired0, fired1),
        _order = Vector128.Create(key, -deadline),
        _small = Vector128.Create(tier, approvals, (byte)onTimeout, truncated ? (byte)1 : (byte)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    };
}
