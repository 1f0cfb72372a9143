using System.Numerics;

namespace Hitl.Policy;

/// <summary>
/// The rules that fired for one decision, as rule ids in evaluation order. Enumerating it allocates nothing.
/// Holds the first 128 rules of an action type; <see cref="DecisionFlags.FiredRulesTruncated"/> says when more fired.
/// </summary>
public readonly struct FiredRuleSet
{
    /// <summary>How many rules of an action type the set can hold.</summary>
    public const int Capacity = 128;

    private readonly ActionRuleTable? _table;
    private readonly ulong _low;
    private readonly ulong _high;

    internal FiredRuleSet(ActionRuleTable? table, ulong low, ulong high)
    {
        _table = table;
        _low = low;
        _high = high;
    }

    /// <summary>How many rules fired (of the first 128).</summary>
    public int Count => BitOperations.PopCount(_low) + BitOperations.PopCount(_high);

    /// <summary>Whether the rule with this id fired.</summary>
    /// <param name="ruleId">The rule id.</param>
    /// <returns><see langword="true"/> when it fired.</returns>
    public bool Contains(string ruleId)
    {
        foreach (var id in this)
        {
            if (string.Equals(id, ruleId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Enumerates the rule ids without allocating.</summary>
    /// <returns>The enumerator.</returns>
    public Enumerator GetEnumerator() => new(_table, _low, _high);

    /// <summary>Copies the rule ids into a new array (allocates).</summary>
    /// <returns>The ids in evaluation order.</returns>
    public string[] ToArray()
    {
        var result = new string[Count];
        var i = 0;
        foreach (var id in this)
        {
            result[i++] = id;
        }

        return result;
    }

    /// <summary>Enumerates fired rule ids.</summary>
    public struct Enumerator
    {
        private readonly ActionRuleTable? _table;
        private ulong _low;
        private ulong _high;
        private string? _current;

        internal Enumerator(ActionRuleTable? table, ulong low, ulong high)
        {
            _table = table;
            _low = low;
            _high = high;
            _current = null;
        }

        /// <summary>The current rule id.</summary>
        public readonly string Current => _current!;

        /// <summary>Moves to the next fired rule.</summary>
        /// <returns><see langword="false"/> at the end.</returns>
        public bool MoveNext()
        {
            if (_table is null)
            {
                return false;
            }

            if (_low != 0)
            {
                var bit = BitOperations.TrailingZeroCount(_low);
                _low &= _low - 1;
                _current = _table.RuleIds[bit];
                return true;
            }

            if (_high != 0)
            {
                var bit = BitOperations.TrailingZeroCount(_high);
                _high &= _high - 1;
                _current = _table.RuleIds[64 + bit];
                return true;
            }

            return false;
        }
    }
}
