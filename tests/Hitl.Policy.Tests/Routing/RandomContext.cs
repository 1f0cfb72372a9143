namespace Hitl.Policy.Tests.Routing;

/// <summary>
/// The host context of the random-policy equivalence tests: every standard signal, and host fields of each kind
/// (numbers, a text, a flag and a flag the host may leave out). <see cref="Throws"/> names a signal whose reads throw,
/// through the reader and the accessors alike, so that the fault path is compared too.
/// </summary>
public sealed record RandomContext
{
    public string? Action { get; init; }

    public string? RequestId { get; init; }

    public double Confidence { get; init; }

    public double Risk { get; init; }

    public double Evidence { get; init; }

    public double Amount { get; init; }

    public string? Category { get; init; }

    public Reversibility Reversibility { get; init; }

    public bool? Sensitive { get; init; }

    public bool? Vulnerable { get; init; }

    public double N1 { get; init; }

    public double R1 { get; init; }

    public string? T1 { get; init; }

    public bool F1 { get; init; }

    public bool? F2 { get; init; }

    /// <summary>A signal name whose reads throw; null for none.</summary>
    public string? Throws { get; init; }

    public T Read<T>(string signal, T value) =>
        Throws == signal ? throw new InvalidOperationException("the host's accessor for " + signal + " failed") : value;

    /// <summary>The schema with accessors only.</summary>
    public static SignalSchema<RandomContext> DelegateSchema() => new SignalSchema<RandomContext>()
        .ActionType(static (in RandomContext c) => c.Read(StandardSignals.Action, c.Action))
        .RequestId(static (in RandomContext c) => c.Read(StandardSignals.RequestId, c.RequestId))
        .Confidence(static (in RandomContext c) => c.Read(StandardSignals.Confidence, c.Confidence))
        .Risk(static (in RandomContext c) => c.Read(StandardSignals.Risk, c.Risk))
        .Evidence(static (in RandomContext c) => c.Read(StandardSignals.Evidence, c.Evidence))
        .Amount(static (in RandomContext c) => c.Read(StandardSignals.Amount, c.Amount))
        .Category(static (in RandomContext c) => c.Read(StandardSignals.Category, c.Category))
        .Reversibility(static (in RandomContext c) => c.Read(StandardSignals.Reversibility, c.Reversibility))
        .Sensitive(static (in RandomContext c) => c.Read(StandardSignals.Sensitive, c.Sensitive))
        .Vulnerable(static (in RandomContext c) => c.Read(StandardSignals.Vulnerable, c.Vulnerable))
        .Number("n1", static (in RandomContext c) => c.Read("n1", c.N1))
        .Number("r1", static (in RandomContext c) => c.Read("r1", c.R1))
        .Text("t1", static (in RandomContext c) => c.Read("t1", c.T1))
        .Flag("f1", static (in RandomContext c) => c.Read("f1", c.F1))
        .Flag("f2", static (in RandomContext c) => c.Read("f2", c.F2));

    /// <summary>The same schema with the static reader attached.</summary>
    public static SignalSchema<RandomContext> ReaderSchema() => DelegateSchema().WithReader<Reader>();

    /// <summary>Reads the standard signals the way the accessors do, with static methods.</summary>
    public readonly struct Reader : ISignalReader<RandomContext>
    {
        public static string? Action(in RandomContext context) => context.Read(StandardSignals.Action, context.Action);

        public static string? RequestId(in RandomContext context) => context.Read(StandardSignals.RequestId, context.RequestId);

        public static double Confidence(in RandomContext context) => context.Read(StandardSignals.Confidence, context.Confidence);

        public static double Risk(in RandomContext context) => context.Read(StandardSignals.Risk, context.Risk);

        public static double Evidence(in RandomContext context) => context.Read(StandardSignals.Evidence, context.Evidence);

        public static double Amount(in RandomContext context) => context.Read(StandardSignals.Amount, context.Amount);

        public static string? Category(in RandomContext context) => context.Read(StandardSignals.Category, context.Category);

        public static Reversibility Reversibility(in RandomContext context) => context.Read(StandardSignals.Reversibility, context.Reversibility);

        public static bool? Sensitive(in RandomContext context) => context.Read(StandardSignals.Sensitive, context.Sensitive);

        public static bool? Vulnerable(in RandomContext context) => context.Read(StandardSignals.Vulnerable, context.Vulnerable);
    }
}

/// <summary>
/// The same signals as plain auto-properties, marked for the source generator: its schema reads fields only, so a policy
/// compiled with it routes with no exception handler at all.
/// </summary>
[HitlSignals]
public sealed partial record RandomFields
{
    [Signal(StandardSignals.Action)] public string? Action { get; init; }

    [Signal(StandardSignals.RequestId)] public string? RequestId { get; init; }

    [Signal(StandardSignals.Confidence)] public double Confidence { get; init; }

    [Signal(StandardSignals.Risk)] public double Risk { get; init; }

    [Signal(StandardSignals.Evidence)] public double Evidence { get; init; }

    [Signal(StandardSignals.Amount)] public double Amount { get; init; }

    [Signal(StandardSignals.Category)] public string? Category { get; init; }

    [Signal(StandardSignals.Reversibility)] public Reversibility Reversibility { get; init; }

    [Signal(StandardSignals.Sensitive)] public bool? Sensitive { get; init; }

    [Signal(StandardSignals.Vulnerable)] public bool? Vulnerable { get; init; }

    [Signal("n1")] public double N1 { get; init; }

    [Signal("r1")] public double R1 { get; init; }

    [Signal("t1")] public string? T1 { get; init; }

    [Signal("f1")] public bool F1 { get; init; }

    [Signal("f2")] public bool? F2 { get; init; }

    public static RandomFields From(RandomContext c) => new()
    {
        Action = c.Action, RequestId = c.RequestId, Confidence = c.Confidence, Risk = c.Risk, Evidence = c.Evidence, Amount = c.Amount,
        Category = c.Category, Reversibility = c.Reversibility, Sensitive = c.Sensitive, Vulnerable = c.Vulnerable, N1 = c.N1, R1 = c.R1,
        T1 = c.T1, F1 = c.F1, F2 = c.F2,
    };
}
