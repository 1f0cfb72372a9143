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

    /// <summary>
    /// Whether the condition reads only the standard signals in the frame: evaluating it (or not) marks no signal
    /// invalid, so the compiler may drop it when its siblings decide the result.
    /// </summary>
    public virtual bool IsPure => false;

    /// <summary>
    /// The condition simplified for calls of one declared action type, where the action signal is that type: a test of
    /// the action becomes a constant, and constants fold upward. Never changes the result or which signals are marked
    /// invalid for that action type.
    /// </summary>
    /// <param name="action">The action type.</param>
    /// <returns>The simplified condition; this one when nothing changes.</returns>
    public virtual Condition<TContext> Specialize(string action) => this;

    /// <summary>
    /// The condition as a C# expression of a written router (<see cref="RouterSource"/>), evaluating exactly as
    /// <see cref="Evaluate"/> does: the same result, the same signals marked invalid in the same order.
    /// </summary>
    public abstract string Source(RouterSource source);

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
