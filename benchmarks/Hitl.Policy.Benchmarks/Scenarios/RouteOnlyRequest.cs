namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The context of the route-only scenario: the standard signals a payment service has at hand, as typed fields, and
/// no host-defined fields. What the policy reads is what the hand-written <c>if</c> chain reads. <c>[HitlSignals]</c>
/// generates <c>RouteOnlyRequest.SignalReader</c> and <c>RouteOnlyRequest.Schema</c>, the schema with the reader attached.
/// </summary>
/// <param name="Action">The action type.</param>
/// <param name="RequestId">The host's id for the request.</param>
/// <param name="Confidence">The model's confidence in [0, 1].</param>
/// <param name="Risk">The risk score in [0, 1].</param>
/// <param name="Evidence">The evidence quality in [0, 1].</param>
/// <param name="Amount">The amount of the payment.</param>
/// <param name="Reversibility">How hard the payment is to undo.</param>
/// <param name="Vulnerable">Whether the payee or payer is vulnerable.</param>
[HitlSignals]
public readonly partial record struct RouteOnlyRequest(
    [property: Signal(StandardSignals.Action)] string Action,
    [property: Signal(StandardSignals.RequestId)] string RequestId,
    [property: Signal(StandardSignals.Confidence)] double Confidence,
    [property: Signal(StandardSignals.Risk)] double Risk,
    [property: Signal(StandardSignals.Evidence)] double Evidence,
    [property: Signal(StandardSignals.Amount)] double Amount,
    [property: Signal(StandardSignals.Reversibility)] Reversibility Reversibility,
    [property: Signal(StandardSignals.Vulnerable)] bool Vulnerable);
