namespace Hitl.Policy.Telemetry;

/// <summary>
/// The names under which Hitl.Policy reports metrics and traces. Subscribe to <see cref="MeterName"/> and
/// <see cref="ActivitySourceName"/> (for example with OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>).
/// </summary>
public static class HitlTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Hitl.Policy";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of the review gate.</summary>
    public const string ActivitySourceName = "Hitl.Policy.Gate";

    /// <summary>Counter: decisions that passed the gate. Tags <c>hitl.route</c>, <c>hitl.action_type</c>.</summary>
    public const string Decisions = "hitl.gate.decisions";

    /// <summary>
    /// Counter: escalations. Tags <c>hitl.action_type</c>, <c>hitl.cause</c> (policy, reviewer, timeout). The
    /// escalation rate is this over <see cref="Decisions"/>.
    /// </summary>
    public const string Escalations = "hitl.gate.escalations";

    /// <summary>Histogram (seconds): from a case opening to its outcome. Tags <c>hitl.action_type</c>, <c>hitl.outcome</c>.</summary>
    public const string ReviewLatency = "hitl.review.latency";

    /// <summary>Counter: reviews past their deadline. Tags <c>hitl.action_type</c>, <c>hitl.fallback</c> (escalate, block).</summary>
    public const string Timeouts = "hitl.review.timeouts";

    /// <summary>Counter: overrides of auto-executed decisions. Tag <c>hitl.action_type</c>.</summary>
    public const string Overrides = "hitl.review.overrides";

    /// <summary>Counter: auto-executed decisions drawn by the audit sample. Tag <c>hitl.action_type</c>.</summary>
    public const string SampledAudits = "hitl.audit.sampled";

    /// <summary>Counter: human acts recorded. Tags <c>hitl.act</c>, <c>hitl.action_type</c>.</summary>
    public const string Acts = "hitl.review.acts";

    /// <summary>Counter: acts refused. Tag <c>hitl.error</c> (a <c>ReviewErrorCode</c> name).</summary>
    public const string Refusals = "hitl.review.refusals";

    /// <summary>The tag for the route, as its JSON name (<c>auto-execute</c>, <c>review</c>, ...).</summary>
    public const string RouteTag = "hitl.route";

    /// <summary>The tag for the action type.</summary>
    public const string ActionTypeTag = "hitl.action_type";

    /// <summary>The tag for the cause of an escalation.</summary>
    public const string CauseTag = "hitl.cause";

    /// <summary>The tag for a case's outcome (approved, rejected, blocked).</summary>
    public const string OutcomeTag = "hitl.outcome";

    /// <summary>The tag for a timeout's fallback route.</summary>
    public const string FallbackTag = "hitl.fallback";

    /// <summary>The tag for the act.</summary>
    public const string ActTag = "hitl.act";

    /// <summary>The tag for a refusal's error code.</summary>
    public const string ErrorTag = "hitl.error";

    /// <summary>The tag (on activities) for the case id.</summary>
    public const string CaseIdTag = "hitl.case_id";
}
