namespace Hitl.Policy.Evaluation;

/// <summary>
/// The standard signals of one call, read once at the start of <c>Route()</c> and kept on the stack.
/// An invalid standard signal is replaced by its riskiest value so that every rule reads it the closed way.
/// </summary>
internal struct SignalFrame
{
    public double Confidence;
    public double Risk;
    public double Evidence;
    public double Amount;
    public string? Category;
    public string? Action;
    public Reversibility Reversibility;
    public bool Sensitive;
    public bool Vulnerable;
    public int InvalidSignal;

    public void MarkInvalid(int signalIndex)
    {
        if (InvalidSignal < 0)
        {
            InvalidSignal = signalIndex;
        }
    }
}
