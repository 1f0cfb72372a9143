namespace Hitl.Policy.Evaluation;

/// <summary>
/// How the hot path reads the standard signals. Implemented by value types only, so that the router specialised for
/// one is compiled (by the JIT and by Native AOT) with the reads inlined: <see cref="StaticRead{TContext, TReader, TSafety}"/>
/// calls a generated reader's static methods, <see cref="DelegateRead{TContext}"/> the schema's accessors.
/// </summary>
internal interface IStandardRead<TContext>
{
    /// <summary>Whether no read can throw, so the hot path may read every signal whether the plan needs it or not.</summary>
    bool CannotThrow { get; }

    string? Action(in TContext context);

    string? RequestId(in TContext context);

    double Confidence(in TContext context);

    double Risk(in TContext context);

    double Evidence(in TContext context);

    double Amount(in TContext context);

    string? Category(in TContext context);

    Reversibility Reversibility(in TContext context);

    /// <summary>Null when left out (an optional flag accessor, or a reader's left-out value).</summary>
    bool? Sensitive(in TContext context);

    /// <summary>Null when left out (an optional flag accessor, or a reader's left-out value).</summary>
    bool? Vulnerable(in TContext context);
}

/// <summary>Whether a reader's reads may throw, as a type, so that the router specialised for it folds the answer.</summary>
internal interface IReadSafety
{
    static abstract bool CannotThrow { get; }
}

/// <summary>A reader that may throw (a hand-written one, or a generated one over computed properties).</summary>
internal readonly struct ReadsMayThrow : IReadSafety
{
    public static bool CannotThrow => false;
}

/// <summary>A generated reader over fields and auto-properties (<see cref="SignalSchema{TContext}.WithGeneratedReader{TReader}"/>).</summary>
internal readonly struct ReadsCannotThrow : IReadSafety
{
    public static bool CannotThrow => true;
}

/// <summary>
/// Reads through a static <see cref="ISignalReader{TContext}"/>: direct calls, no delegate. With
/// <see cref="ReadsCannotThrow"/> the hot path reads every standard signal without asking which the plan needs.
/// </summary>
internal readonly struct StaticRead<TContext, TReader, TSafety> : IStandardRead<TContext>
    where TReader : struct, ISignalReader<TContext>
    where TSafety : struct, IReadSafety
{
    public bool CannotThrow => TSafety.CannotThrow;

    public string? Action(in TContext context) => TReader.Action(in context);

    public string? RequestId(in TContext context) => TReader.RequestId(in context);

    public double Confidence(in TContext context) => TReader.Confidence(in context);

    public double Risk(in TContext context) => TReader.Risk(in context);

    public double Evidence(in TContext context) => TReader.Evidence(in context);

    public double Amount(in TContext context) => TReader.Amount(in context);

    public string? Category(in TContext context) => TReader.Category(in context);

    public Reversibility Reversibility(in TContext context) => TReader.Reversibility(in context);

    public bool? Sensitive(in TContext context) => TReader.Sensitive(in context);

    public bool? Vulnerable(in TContext context) => TReader.Vulnerable(in context);
}

/// <summary>
/// Reads through the schema's accessors. The compiler only lets a plan read a signal the schema registers, so an
/// accessor the plan reads is never null; an absent request id reads as null (sampled, like a missing one).
/// </summary>
internal readonly struct DelegateRead<TContext>(SignalSchema<TContext> schema) : IStandardRead<TContext>
{
    public bool CannotThrow => false;

    private readonly TextAccessor<TContext> _action = schema.ActionTypeAccessor!;
    private readonly TextAccessor<TContext>? _requestId = schema.RequestIdAccessor;
    private readonly NumberAccessor<TContext>? _confidence = schema.ConfidenceAccessor;
    private readonly NumberAccessor<TContext>? _risk = schema.RiskAccessor;
    private readonly NumberAccessor<TContext>? _evidence = schema.EvidenceAccessor;
    private readonly NumberAccessor<TContext>? _amount = schema.AmountAccessor;
    private readonly TextAccessor<TContext>? _category = schema.CategoryAccessor;
    private readonly ReversibilityAccessor<TContext>? _reversibility = schema.ReversibilityAccessor;
    private readonly FlagAccessor<TContext>? _sensitive = schema.SensitiveAccessor;
    private readonly OptionalFlagAccessor<TContext>? _optionalSensitive = schema.OptionalSensitiveAccessor;
    private readonly FlagAccessor<TContext>? _vulnerable = schema.VulnerableAccessor;
    private readonly OptionalFlagAccessor<TContext>? _optionalVulnerable = schema.OptionalVulnerableAccessor;

    public string? Action(in TContext context) => _action(in context);

    public string? RequestId(in TContext context) => _requestId?.Invoke(in context);

    public double Confidence(in TContext context) => _confidence!(in context);

    public double Risk(in TContext context) => _risk!(in context);

    public double Evidence(in TContext context) => _evidence!(in context);

    public double Amount(in TContext context) => _amount!(in context);

    public string? Category(in TContext context) => _category!(in context);

    public Reversibility Reversibility(in TContext context) => _reversibility!(in context);

    public bool? Sensitive(in TContext context) => _sensitive is { } flag ? flag(in context) : _optionalSensitive!(in context);

    public bool? Vulnerable(in TContext context) => _vulnerable is { } flag ? flag(in context) : _optionalVulnerable!(in context);
}
