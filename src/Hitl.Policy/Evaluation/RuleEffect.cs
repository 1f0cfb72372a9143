using System.Runtime.CompilerServices;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// What a set of fired rules proposes, combined the way <c>Route()</c> combines rules: the highest route and the first
/// rule (in evaluation order) that proposed it, the highest tier and approvals, the shortest deadline, the strictest
/// timeout fallback, and the fired-rule bits. Combining is associative and commutative, so rules folded into tables by
/// the compiler and rules evaluated one by one give exactly the result of evaluating every rule in order.
/// </summary>
internal struct RuleEffect
{
    public static readonly RuleEffect None = new()
    {
        Route = RouteLevel.AutoExecute,
        First = int.MaxValue,
        Deadline = long.MaxValue,
        OnTimeout = RouteLevel.Escalate,
    };

    public ulong Fired0;
    public ulong Fired1;
    public long Deadline;
    public int First;
    public RouteLevel Route;
    public RouteLevel OnTimeout;
    public byte Tier;
    public byte Approvals;
    public bool Truncated;

    /// <summary>The effect of rule <paramref name="index"/> of an action plan firing.</summary>
    public static RuleEffect Of(int index, Effect then)
    {
        var effect = None;
        effect.Route = then.Route;
        effect.First = index;
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
        if (other.Route > Route)
        {
            Route = other.Route;
            First = other.First;
        }
        else if (other.Route == Route && other.First < First)
        {
            First = other.First;
        }

        Tier = Math.Max(Tier, other.Tier);
        Approvals = Math.Max(Approvals, other.Approvals);
        Deadline = Math.Min(Deadline, other.Deadline);
        OnTimeout = RouteLevelExtensions.Max(OnTimeout, other.OnTimeout);
        Fired0 |= other.Fired0;
        Fired1 |= other.Fired1;
        Truncated |= other.Truncated;
    }
}
