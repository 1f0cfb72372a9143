namespace Hitl.Policy.Evaluation;

/// <summary>A schema's static reader (<see cref="SignalSchema{TContext}.WithReader{TReader}"/>), kept as the type that builds the specialised hot path.</summary>
internal abstract class ReaderBinding<TContext>
{
    /// <summary>The reader's type, for diagnostics.</summary>
    public abstract Type ReaderType { get; }
}

/// <inheritdoc />
internal sealed class ReaderBinding<TContext, TReader> : ReaderBinding<TContext>
    where TReader : struct, ISignalReader<TContext>
{
    public override Type ReaderType => typeof(TReader);
}
