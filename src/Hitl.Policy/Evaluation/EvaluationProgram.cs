using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hitl.Policy.Evaluation;

/// <summary>A rule evaluated one by one on the hot path: its condition, and its effect when it holds.</summary>
internal readonly struct GeneralRule<TContext>(Condition<TContext> when, RuleEffect effect, int index)
{
    public readonly Condition<TContext> When = when;
    public readonly RuleEffect Effect = effect;
    public readonly int Index = index;
}

/// <summary>
/// The rules that compare one standard numeric signal with constants (confidence bands, risk, impact and evidence
/// thresholds), folded by the compiler into one lookup: the value range is cut at every constant into segments on
/// which each rule is either true or false, and each segment holds the combined effect of the rules true on it.
/// </summary>
internal sealed class NumberTable
{
    private const int LinearLimit = 16;

    /// <summary>The first four cut points, padded with NaN (never at or below a value), for a table of at most four.</summary>
    private readonly Vector128<double> _low;
    private readonly Vector128<double> _high;
    private readonly bool _small;

    public NumberTable(int slot, double[] bounds, RuleEffect[] segments)
    {
        Slot = slot;
        Bounds = bounds;
        Segments = segments;
        _small = bounds.Length <= 4;
        if (_small)
        {
            Span<double> padded = [double.NaN, double.NaN, double.NaN, double.NaN];
            bounds.CopyTo(padded);
            _low = Vector128.Create(padded[0], padded[1]);
            _high = Vector128.Create(padded[2], padded[3]);
        }
    }

    /// <summary>A table of one segment that adds nothing: what the hot path looks up on a signal no rule folds on.</summary>
    public static readonly NumberTable Nothing = new(-1, [], [RuleEffect.None]);

    /// <summary>The signal's slot in <see cref="SignalFrame.Numbers"/>.</summary>
    public int Slot { get; }

    /// <summary>Ascending cut points; segment k holds the values with exactly k cut points at or below them.</summary>
    public double[] Bounds { get; }

    public RuleEffect[] Segments { get; }

    /// <summary>
    /// The segment of a value: with at most four cut points two vector compares and a bit count (no branch on the
    /// value), with up to 16 a counting loop, beyond that a binary search. The segment is at most the number of cut
    /// points, so it always lies inside <see cref="Segments"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly RuleEffect Lookup(double value)
    {
        int segment;
        if (_small)
        {
            var probe = Vector128.Create(value);
            segment = BitOperations.PopCount(Vector128.GreaterThanOrEqual(probe, _low).ExtractMostSignificantBits())
                + BitOperations.PopCount(Vector128.GreaterThanOrEqual(probe, _high).ExtractMostSignificantBits());
        }
        else if (Bounds.Length <= LinearLimit)
        {
            segment = 0;
            foreach (var bound in Bounds)
            {
                segment += value >= bound ? 1 : 0;
            }
        }
        else
        {
            segment = Search(Bounds, value);
        }

        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Segments), segment);
    }

    private static int Search(double[] bounds, double value)
    {
        int low = 0, high = bounds.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (value >= bounds[middle])
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}

/// <summary>
/// How <c>Route()</c> evaluates one action plan. Rules that read host fields or text run one by one in evaluation
/// order; rules that compare a standard signal with constants are folded when the policy is compiled: one
/// <see cref="NumberTable"/> per numeric signal, and one table over every combination of reversibility, sensitive and
/// vulnerable. Each table entry is the combined <see cref="RuleEffect"/> of the rules that hold there, computed by
/// evaluating those rules themselves, so folding changes the cost and never the decision.
/// </summary>
internal sealed class EvaluationProgram<TContext>
{
    /// <summary>Reversibility (3 values) x sensitive (2) x vulnerable (2).</summary>
    private const int DiscreteCombinations = 12;

    private static readonly int[] DiscreteSignals =
        [StandardSignals.ReversibilityIndex, StandardSignals.SensitiveIndex, StandardSignals.VulnerableIndex];

    private readonly CompiledRule<TContext>[] _rules;
    private readonly bool[] _folded;

    // One table per numeric signal, and the discrete table, each always there: a signal no rule folds on has a table
    // that adds nothing, so the hot path looks every one up with no branch on the plan.
    private readonly NumberTable _confidence = NumberTable.Nothing;
    private readonly NumberTable _risk = NumberTable.Nothing;
    private readonly NumberTable _evidence = NumberTable.Nothing;
    private readonly NumberTable _amount = NumberTable.Nothing;
    private readonly RuleEffect[] _discrete;

    private EvaluationProgram(
        CompiledRule<TContext>[] rules, bool[] folded, GeneralRule<TContext>[] general, NumberTable[] numbers, RuleEffect[]? discrete)
    {
        _rules = rules;
        _folded = folded;
        General = general;
        _discrete = discrete ?? NothingDiscrete;
        foreach (var table in numbers)
        {
            switch (table.Slot)
            {
                case 0:
                    _confidence = table;
                    break;
                case 1:
                    _risk = table;
                    break;
                case 2:
                    _evidence = table;
                    break;
                default:
                    _amount = table;
                    break;
            }
        }
    }

    /// <summary>A discrete table where no rule folds: every combination adds nothing.</summary>
    private static readonly RuleEffect[] NothingDiscrete = Enumerable.Repeat(RuleEffect.None, DiscreteCombinations).ToArray();

    public GeneralRule<TContext>[] General { get; }

    /// <summary>Every rule of the plan in evaluation order, specialised for its action type (what a written router evaluates).</summary>
    public CompiledRule<TContext>[] Rules => _rules;

    /// <summary>The effect of the rules that hold on every call of the plan (constant once the action type is known).</summary>
    public RuleEffect Always { get; private init; } = RuleEffect.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DiscreteIndex(ref SignalFrame frame) =>
        (byte)frame.Reversibility + (frame.Sensitive ? 3 : 0) + (frame.Vulnerable ? 6 : 0);

    /// <summary>Builds the program of one action plan.</summary>
    /// <param name="rules">The plan's rules, in evaluation order.</param>
    /// <param name="action">
    /// The plan's action type, which every call routed to the plan carries: tests of the action are then constants
    /// (<see cref="Condition{TContext}.Specialize"/>), so a rule of the defaults that names some action types folds away
    /// or into a table. Null for the plan of undeclared action types.
    /// </param>
    public static EvaluationProgram<TContext> Build(CompiledRule<TContext>[] rules, string? action)
    {
        if (action is not null)
        {
            rules = [.. rules.Select(rule => rule.When.Specialize(action) is var when && !ReferenceEquals(when, rule.When)
                ? new CompiledRule<TContext>(rule.Id, rule.Kind, when, rule.Then, rule.Reads, rule.Description) { Checks = rule.Checks }
                : rule)];
        }

        var always = RuleEffect.None;
        var folded = new bool[rules.Length];
        var general = new List<GeneralRule<TContext>>();
        var numbers = new SortedDictionary<int, List<(int Rule, double[] Bounds)>>();
        var discrete = new List<int>();
        var bounds = new List<double>();
        for (var i = 0; i < rules.Length; i++)
        {
            bounds.Clear();
            if (rules[i].When is ConstantCondition<TContext> constant)
            {
                folded[i] = true;
                if (constant.Value)
                {
                    always.Add(RuleEffect.Of(i, rules[i].Then));
                }

                continue;
            }

            if (!rules[i].When.TryGetBounds(out var signal, bounds))
            {
                general.Add(new GeneralRule<TContext>(rules[i].When, RuleEffect.Of(i, rules[i].Then), i));
                continue;
            }

            folded[i] = true;
            if (Array.IndexOf(DiscreteSignals, signal) >= 0)
            {
                discrete.Add(i);
                continue;
            }

            if (!numbers.TryGetValue(signal, out var group))
            {
                group = [];
                numbers[signal] = group;
            }

            group.Add((i, [.. bounds]));
        }

        var tables = new List<NumberTable>();
        foreach (var (signal, group) in numbers)
        {
            tables.Add(FoldNumbers(rules, signal, group));
        }

        RuleEffect[]? combinations = null;
        if (discrete.Count > 0)
        {
            combinations = new RuleEffect[DiscreteCombinations];
            for (var reversibility = 0; reversibility < 3; reversibility++)
            {
                for (var flags = 0; flags < 4; flags++)
                {
                    var frame = new SignalFrame
                    {
                        InvalidSignal = -1,
                        Reversibility = (Reversibility)reversibility,
                        Sensitive = (flags & 1) != 0,
                        Vulnerable = (flags & 2) != 0,
                    };
                    combinations[DiscreteIndex(ref frame)] = Evaluate(rules, discrete, ref frame);
                }
            }
        }

        return new EvaluationProgram<TContext>(rules, folded, [.. general], [.. tables], combinations) { Always = always };
    }

    /// <summary>
    /// The combined effect of every folded rule, for the hot path: every table is looked up first and the entries merged
    /// after, with no call among the merges, so that the effect is built in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RuleEffect Tables(ref SignalFrame frame)
    {
        // Every table is there, so the lookups take no branch on the plan: with calls for several action types mixed,
        // such branches are mispredicted.
        ref readonly var confidence = ref _confidence.Lookup(frame.Confidence);
        ref readonly var risk = ref _risk.Lookup(frame.Risk);
        ref readonly var evidence = ref _evidence.Lookup(frame.Evidence);
        ref readonly var amount = ref _amount.Lookup(frame.Amount);
        ref readonly var discrete = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_discrete), DiscreteIndex(ref frame));
        var effect = RuleEffect.Merge(RuleEffect.Merge(RuleEffect.Merge(confidence, in risk), in evidence), in amount);
        return RuleEffect.Merge(RuleEffect.Merge(effect, in discrete), Always);
    }

    /// <summary>The effect with every folded rule added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RuleEffect WithTables(ref SignalFrame frame, RuleEffect effect) => RuleEffect.Merge(Tables(ref frame), in effect);

    /// <summary>
    /// The effect with the folded rules added that come before rule <paramref name="end"/> in evaluation order: a host rule
    /// threw there, and the decision reports only what was evaluated before it. Off the hot path.
    /// </summary>
    public RuleEffect WithFoldedBefore(int end, ref SignalFrame frame, RuleEffect effect)
    {
        TContext context = default!;
        for (var i = 0; i < end && i < _rules.Length; i++)
        {
            if (_folded[i] && _rules[i].When.Evaluate(in context, ref frame))
            {
                effect.Add(RuleEffect.Of(i, _rules[i].Then));
            }
        }

        return effect;
    }

    /// <summary>
    /// Folds the rules on one numeric signal into a table in O((n + b) log b) for n rules with b cut points in all: each
    /// rule is constant between its own cut points, so it is evaluated once per own piece (at the piece's lowest value),
    /// and its effect is added to the segments of each piece where it holds through a range-update tree. Adding is
    /// associative, commutative and idempotent (see <see cref="RuleEffect"/>), so every segment ends up with exactly the
    /// effect of evaluating every rule of the group at that segment, as evaluating them one by one would give.
    /// </summary>
    private static NumberTable FoldNumbers(CompiledRule<TContext>[] rules, int signal, List<(int Rule, double[] Bounds)> group)
    {
        var all = new List<double>();
        foreach (var (_, own) in group)
        {
            all.AddRange(own);
        }

        all.Sort();
        var cuts = new List<double>(all.Count);
        foreach (var cut in all)
        {
            if (cuts.Count == 0 || cuts[^1] != cut)
            {
                cuts.Add(cut);
            }
        }

        var cutArray = cuts.ToArray();
        var count = cutArray.Length + 1;

        // tree[count + s] is segment s; tree[k] for k < count holds effects that apply to every segment below node k.
        var tree = new RuleEffect[2 * count];
        Array.Fill(tree, RuleEffect.None);
        foreach (var (index, own) in group)
        {
            Array.Sort(own);
            var effect = RuleEffect.Of(index, rules[index].Then);
            var start = 0;
            for (var k = 0; k <= own.Length; k++)
            {
                // Segment s starts at cutArray[s - 1]; the piece [start, end) ends where the rule's next own cut point starts a segment.
                var end = k < own.Length ? Array.BinarySearch(cutArray, own[k]) + 1 : count;
                if (end <= start)
                {
                    continue;
                }

                FoldingWork.Evaluations++;
                var frame = new SignalFrame { InvalidSignal = -1 };
                FrameValues.SetScalar(ref frame, signal, start == 0 ? double.NegativeInfinity : cutArray[start - 1]);
                TContext context = default!;
                if (rules[index].When.Evaluate(in context, ref frame))
                {
                    AddRange(tree, count, start, end, in effect);
                }

                start = end;
            }
        }

        for (var node = 1; node < count; node++)
        {
            tree[2 * node].Add(in tree[node]);
            tree[(2 * node) + 1].Add(in tree[node]);
        }

        var segments = new RuleEffect[count];
        Array.Copy(tree, count, segments, 0, count);
        return new NumberTable(SignalFrame.NumberSlot(signal), cutArray, segments);
    }

    /// <summary>Adds an effect to segments [low, high) of a bottom-up range-update tree: O(log n) nodes.</summary>
    private static void AddRange(RuleEffect[] tree, int count, int low, int high, in RuleEffect effect)
    {
        for (low += count, high += count; low < high; low >>= 1, high >>= 1)
        {
            if ((low & 1) != 0)
            {
                tree[low++].Add(in effect);
            }

            if ((high & 1) != 0)
            {
                tree[--high].Add(in effect);
            }
        }
    }

    private static RuleEffect Evaluate(CompiledRule<TContext>[] rules, List<int> indexes, ref SignalFrame frame)
    {
        TContext context = default!;
        var effect = RuleEffect.None;
        foreach (var index in indexes)
        {
            if (rules[index].When.Evaluate(in context, ref frame))
            {
                effect.Add(RuleEffect.Of(index, rules[index].Then));
            }
        }

        return effect;
    }
}

/// <summary>
/// How many rule evaluations folding numeric tables took on this thread: the build's work, counted exactly, so a test
/// can hold the fold to near-linear without timing it. Build time only; <c>Route()</c> never touches it.
/// </summary>
internal static class FoldingWork
{
    [ThreadStatic]
    private static long _evaluations;

    public static long Evaluations
    {
        get => _evaluations;
        set => _evaluations = value;
    }
}
