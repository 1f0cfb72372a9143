namespace Hitl.Policy;

/// <summary>
/// Reads the standard signals of a host context with static methods, so that a compiled policy specialised for the
/// reader calls them directly: no delegate, inlined by the JIT and by Native AOT alike. The source generator writes
/// one for every type marked <see cref="HitlSignalsAttribute"/>; attach it to a schema with
/// <see cref="SignalSchema{TContext}.WithReader{TReader}"/>.
/// </summary>
/// <remarks>
/// A reader must return exactly what the schema's accessors return for the same context: the compiled policy reads
/// through the reader on the hot path and through the accessors when it explains a decision or re-evaluates one whose
/// accessor threw. A signal the schema does not register is never read; return its riskiest value all the same
/// (<see cref="double.NaN"/>, <see langword="null"/>, <see cref="Policy.Reversibility.Irreversible"/>).
/// </remarks>
/// <typeparam name="TContext">The host's context type.</typeparam>
public interface ISignalReader<TContext>
{
    /// <summary>The action type.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see langword="null"/> when missing.</returns>
    static abstract string? Action(in TContext context);

    /// <summary>The request id.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see langword="null"/> when missing.</returns>
    static abstract string? RequestId(in TContext context);

    /// <summary>The confidence in [0, 1].</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see cref="double.NaN"/> when missing.</returns>
    static abstract double Confidence(in TContext context);

    /// <summary>The given risk score in [0, 1].</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see cref="double.NaN"/> when missing.</returns>
    static abstract double Risk(in TContext context);

    /// <summary>The evidence quality in [0, 1].</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see cref="double.NaN"/> when missing.</returns>
    static abstract double Evidence(in TContext context);

    /// <summary>The impact amount.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see cref="double.NaN"/> when missing.</returns>
    static abstract double Amount(in TContext context);

    /// <summary>The impact category.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see langword="null"/> when missing.</returns>
    static abstract string? Category(in TContext context);

    /// <summary>How reversible the action is.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value.</returns>
    static abstract Reversibility Reversibility(in TContext context);

    /// <summary>Whether the output touches sensitive matters.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see langword="null"/> when left out.</returns>
    static abstract bool? Sensitive(in TContext context);

    /// <summary>Whether the affected person is vulnerable.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The value; <see langword="null"/> when left out.</returns>
    static abstract bool? Vulnerable(in TContext context);
}
