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
        readonly get => Numbers[0];
        set => Numbers[0] = value;
    }

    public double Risk
    {
        readonly get => Numbers[1];
        set => Numbers[1] = value;
    }

    public double Evidence
    {
        readonly get => Numbers[2];
        set => Numbers[2] = value;
    }

    public double Amount
    {
        readonly get => Numbers[3];
        set => Numbers[3] = value;
    }

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
