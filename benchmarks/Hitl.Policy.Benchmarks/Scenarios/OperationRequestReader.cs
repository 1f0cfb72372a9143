namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The standard signals of an <see cref="OperationRequest"/> read with static methods: what
/// <see cref="OperationsScenario.SchemaWithReader"/> attaches so that the compiled policy reads them directly. Returns
/// exactly what <see cref="OperationsScenario.Schema"/>'s accessors return. The host fields stay accessors.
/// </summary>
// TODO(generator): [HitlSignals] on OperationRequest (with [Signal] on its members) will generate this reader and the
// schema with it attached; this hand-written copy stands in until the source generator lands.
public readonly struct OperationRequestReader : ISignalReader<OperationRequest>
{
    /// <inheritdoc />
    public static string? Action(in OperationRequest context) => context.Action;

    /// <inheritdoc />
    public static string? RequestId(in OperationRequest context) => context.RequestId;

    /// <inheritdoc />
    public static double Confidence(in OperationRequest context) => context.Confidence;

    /// <inheritdoc />
    public static double Risk(in OperationRequest context) => context.Risk;

    /// <inheritdoc />
    public static double Evidence(in OperationRequest context) => context.Evidence;

    /// <inheritdoc />
    public static double Amount(in OperationRequest context) => context.Amount;

    /// <inheritdoc />
    public static string? Category(in OperationRequest context) => context.Category;

    /// <inheritdoc />
    public static Reversibility Reversibility(in OperationRequest context) => context.Reversibility;

    /// <inheritdoc />
    public static bool? Sensitive(in OperationRequest context) => context.Sensitive;

    /// <inheritdoc />
    public static bool? Vulnerable(in OperationRequest context) => context.Vulnerable;
}
