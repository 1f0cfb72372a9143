namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The context of the route-only scenario: the standard signals a payment service has at hand, as typed fields, and
/// no host-defined fields. What the policy reads is what the hand-written <c>if</c> chain reads.
/// </summary>
/// <param name="Action">The action type.</param>
/// <param name="RequestId">The host's id for the request.</param>
/// <param name="Confidence">The model's confidence in [0, 1].</param>
/// <param name="Risk">The risk score in [0, 1].</param>
/// <param name="Evidence">The evidence quality in [0, 1].</param>
/// <param name="Amount">The amount of the payment.</param>
/// <param name="Reversibility">How hard the payment is to undo.</param>
/// <param name="Vulnerable">Whether the payee or payer is vulnerable.</param>
public readonly record struct RouteOnlyRequest(
    string Action,
    string RequestId,
    double Confidence,
    double Risk,
    double Evidence,
    double Amount,
    Reversibility Reversibility,
    bool Vulnerable);

/// <summary>
/// The standard signals of a <see cref="RouteOnlyRequest"/> read with static methods, so that the compiled policy
/// specialised for this reader calls them directly. Returns exactly what <see cref="RouteOnlyScenario.Schema"/>'s
/// accessors return; the signals the context does not have read as their riskiest value.
/// </summary>
// TODO(generator): [HitlSignals] on RouteOnlyRequest (with [Signal] on its members) will generate this reader and the
// schema with it attached; this hand-written copy stands in until the source generator lands.
public readonly struct RouteOnlyReader : ISignalReader<RouteOnlyRequest>
{
    /// <inheritdoc />
    public static string? Action(in RouteOnlyRequest context) => context.Action;

    /// <inheritdoc />
    public static string? RequestId(in RouteOnlyRequest context) => context.RequestId;

    /// <inheritdoc />
    public static double Confidence(in RouteOnlyRequest context) => context.Confidence;

    /// <inheritdoc />
    public static double Risk(in RouteOnlyRequest context) => context.Risk;

    /// <inheritdoc />
    public static double Evidence(in RouteOnlyRequest context) => context.Evidence;

    /// <inheritdoc />
    public static double Amount(in RouteOnlyRequest context) => context.Amount;

    /// <inheritdoc />
    public static string? Category(in RouteOnlyRequest context) => null;

    /// <inheritdoc />
    public static Reversibility Reversibility(in RouteOnlyRequest context) => context.Reversibility;

    /// <inheritdoc />
    public static bool? Sensitive(in RouteOnlyRequest context) => null;

    /// <inheritdoc />
    public static bool? Vulnerable(in RouteOnlyRequest context) => context.Vulnerable;
}
