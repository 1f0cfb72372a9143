using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Hitl.Policy.Evaluation;

/// <summary>
/// The standard signals of one call, read once at the start of <c>Route()</c> and kept on the stack.
/// An invalid standard signal is replaced by its riskiest value so that every rule reads it the closed way.
/// </summary>
internal struct SignalFrame
{
    /// <summary>Confidence, risk, evidence and amount, indexable so that folded rule tables read them with one load.</summary>
    public NumberSignals Numbers;
    public string? Category;
    public string? Action;
    public Reversibility Reversibility;
    public bool Sensitive;
    public bool Vulnerable;
    public int InvalidSignal;

    public double Confidence
    {
        readonly get => Number(0);
        set => NumberRef(0) = value;
    }

    public double Risk
    {
        readonly get => Number(1);
        set => NumberRef(1) = value;
    }

    public double Evidence
    {
        readonly get => Number(2);
        set => NumberRef(2) = value;
    }

    public double Amount
    {
        readonly get => Number(3);
        set => NumberRef(3) = value;
    }

    /// <summary>
    /// A number by its slot (0 to 3, checked; the compiler only ever passes the slot of a standard numeric signal). Through a
    /// reference rather than the inline array's indexer, whose helper Native AOT does not always inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly double Number(int slot) =>
        Unsafe.Add(ref Unsafe.As<NumberSignals, double>(ref Unsafe.AsRef(in Numbers)), Checked(slot));

    /// <inheritdoc cref="Number"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [UnscopedRef]
    public ref double NumberRef(int slot) => ref Unsafe.Add(ref Unsafe.As<NumberSignals, double>(ref Numbers), Checked(slot));

    /// <summary>The slot itself, or an exception outside 0 to 3: a check the JIT drops for a constant slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Checked(int slot)
    {
        if ((uint)slot >= 4)
        {
            ThrowSlot(slot);
        }

        return slot;
    }

    [DoesNotReturn]
    private static void ThrowSlot(int slot) =>
        throw new ArgumentOutOfRangeException(nameof(slot), slot, "a standard number slot lies in [0, 3]");

    /// <summary>The slot of a standard numeric signal in <see cref="Numbers"/>.</summary>
    public static int NumberSlot(int signalIndex) => signalIndex - StandardSignals.ConfidenceIndex;

    public void MarkInvalid(int signalIndex)
    {
        if (InvalidSignal < 0)
        {
            InvalidSignal = signalIndex;
        }
    }
}

/// <summary>The four standard numeric signals, in standard-signal order.</summary>
[InlineArray(4)]
internal struct NumberSignals
{
    private double _element0;
}
