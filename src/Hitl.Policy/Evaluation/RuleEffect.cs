using System.Runtime.CompilerServices;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// What a set of fired rules proposes, combined the way <c>Route()</c> combines rules: the highest route and the first
/// rule (in evaluation order) that proposed it, the highest tier and approvals, the shortest deadline, the strictest
/// timeout fallback, and the fired-rule bits. Combining is associative and commutative, so rules folded into tables by
/// the compiler and rules evaluated one by one give exactly the result of evaluating every rule in order.
/// </summary>
/// <remarks>
/// The route and the first rule are packed into one <see cref="Key"/>, the route in the high half and the rule index
/// counted down from <see cref="int.MaxValue"/> in the low half, so that "the higher route, and on a tie the earlier
/// rule" is one integer maximum; every other part is a maximum, a minimum or an OR. Adding has no data-dependent branch.
/// </remarks>
internal struct RuleEffect
{
    public static readonly RuleEffect None = new()
    {
        Key = 0,
        Deadline = long.MaxValue,
        OnTimeout = RouteLevel.Escalate,
    };

    public ulong Fired0;
    public ulong Fired1;
    public long Deadline;

    /// <summary>The route (bits 32 and up) and <c>int.MaxValue - first</c> (bits 0 to 31); 0 when no rule fired.</summary>
    public long Key;
    public RouteLevel OnTimeout;
    public byte Tier;
    public byte Approvals;
    public bool Truncated;

    /// <summary>The highest route proposed; <see cref="RouteLevel.AutoExecute"/> when no rule fired.</summary>
    public readonly RouteLevel Route => (RouteLevel)(Key >>> 32);

    /// <summary>The first rule (in evaluation order) that proposed <see cref="Route"/>; <see cref="int.MaxValue"/> when no rule fired.</summary>
    public readonly int First => int.MaxValue - (int)(uint)Key;

    /// <summary>Whether any rule fired.</summary>
    public readonly bool Any => Key != 0;

    /// <summary>The packed <see cref="Key"/> of a route proposed by rule <paramref name="first"/>.</summary>
    public static long KeyOf(RouteLevel route, int first) => ((long)route << 32) | (uint)(int.MaxValue - first);

    /// <summary>The effect of rule <paramref name="index"/> of an action plan firing.</summary>
    public static RuleEffect Of(int index, Effect then)
    {
        var effect = None;
        effect.Key = KeyOf(then.Route, index);
        effect.Tier = then.Tier;
        effect.Approvals = then.Approvals;
        effect.Deadline = then.DeadlineTicks > 0 ? then.DeadlineTicks : long.MaxValue;
        effect.OnTimeout = RouteLevelExtensions.Max(RouteLevel.Escalate, then.OnTimeout);
        if (index < 64)
        {
            effect.Fired0 = 1UL << index;
        }
        else if (index < FiredRuleSet.Capacity)
        {
            effect.Fired1 = 1UL << (index - 64);
        }
        else
        {
            effect.Truncated = true;
        }

        return effect;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(in RuleEffect other)
    {
        Key = Math.Max(Key, other.Key);
        Tier = Math.Max(Tier, other.Tier);
        Approvals = Math.Max(Approvals, other.Approvals);
        Deadline = Math.Min(Deadline, other.Deadline);
        OnTimeout = (RouteLevel)Math.Max((byte)OnTimeout, (byte)other.OnTimeout);
        Fired0 |= other.Fired0;
        Fired1 |= other.Fired1;
        Truncated |= other.Truncated;
    }
}
