using System.Text;

namespace Hitl.Policy.Evaluation;

/// <summary>A compiled condition node. Evaluation is bounded: no loops beyond the tree, no I/O, no allocation.</summary>
internal abstract class Condition<TContext>
{
    public abstract bool Evaluate(in TContext context, ref SignalFrame frame);

    public abstract void Describe(StringBuilder text);

    /// <summary>
    /// For a condition that only compares one standard signal with constants: the signal, and the values at which its
    /// result can change (it is constant between two consecutive ones, each counted as the start of its segment).
    /// Such conditions are folded into lookup tables by <see cref="EvaluationProgram{TContext}"/>.
    /// </summary>
    public virtual bool TryGetBounds(out int signalIndex, List<double> bounds)
    {
        signalIndex = -1;
        return false;
    }

    /// <summary>Adds the signal values this node reads, for Explain. Off the hot path.</summary>
    public abstract void CollectInputs(in TContext context, ref SignalFrame frame, List<TraceInput> inputs);

    public override string ToString()
    {
        var text = new StringBuilder();
        Describe(text);
        return text.ToString();
    }

    protected static void AddInput(List<TraceInput> inputs, string name, string value)
    {
        foreach (var input in inputs)
        {
            if (input.Signal == name)
            {
                return;
            }
        }

        inputs.Add(new TraceInput(name, value));
    }
}
