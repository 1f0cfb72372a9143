namespace Hitl.Policy.Evaluation;

/// <summary>A schema's static reader (<see cref="SignalSchema{TContext}.WithReader{TReader}"/>): builds the router specialised for it.</summary>
internal abstract class ReaderBinding<TContext>
{
    public abstract CompiledPolicy<TContext>.Router CreateRouter(CompiledPolicy<TContext> policy, bool cannotThrow);

    /// <summary>The reader's type, for a written router to call.</summary>
    public abstract Type ReaderType { get; }
}

/// <inheritdoc />
internal sealed class ReaderBinding<TContext, TReader> : ReaderBinding<TContext>
    where TReader : struct, ISignalReader<TContext>
{
    public override CompiledPolicy<TContext>.Router CreateRouter(CompiledPolicy<TContext> policy, bool cannotThrow) =>
        cannotThrow
            ? policy.CreateRouter(default(StaticRead<TContext, TReader, ReadsCannotThrow>))
            : policy.CreateRouter(default(StaticRead<TContext, TReader, ReadsMayThrow>));

    public override Type ReaderType => typeof(TReader);
}
