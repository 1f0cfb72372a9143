using System.Reflection;

namespace Hitl.Policy.Telemetry;

/// <summary>
/// The names under which Hitl.Policy reports metrics and traces, following the OpenTelemetry semantic conventions:
/// durations are histograms in seconds named <c>*.duration</c>, failures carry <c>error.type</c>, tag values are
/// lower-case. Metrics and traces share one name, <see cref="MeterName"/> = <see cref="ActivitySourceName"/>; with
/// OpenTelemetry, <c>AddHitlInstrumentation()</c> (package Hitl.Policy.OpenTelemetry) subscribes to both, or
/// <c>AddMeter("Hitl.Policy")</c> and <c>AddSource("Hitl.Policy")</c> by hand.
/// </summary>
public static class HitlTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Hitl.Policy";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> (the same as the meter's).</summary>
    public const string ActivitySourceName = "Hitl.Policy";

    /// <summary>The version of the meter and the activity source: the informational version of the Hitl.Policy assembly.</summary>
    public static string Version { get; } = VersionOf(typeof(HitlTelemetry).Assembly);

    /// <summary>Counter: decisions that passed the gate. Tags <c>hitl.route</c>, <c>hitl.action_type</c>.</summary>
    public const string Decisions = "hitl.gate.decisions";

    /// <summary>
    /// Counter: escalations. Tags <c>hitl.action_type</c>, <c>hitl.cause</c> (<c>policy</c>, <c>reviewer</c>,
    /// <c>timeout</c>). The escalation rate is this over <see cref="Decisions"/>.
    /// </summary>
    public const string Escalations = "hitl.gate.escalations";

    /// <summary>
    /// Histogram (seconds): from a case's review round opening to its outcome. Tags <c>hitl.action_type</c>,
    /// <c>hitl.outcome</c> (the case state's JSON name). Bucket advice: <see cref="ReviewDurationBuckets"/>.
    /// </summary>
    public const string ReviewDuration = "hitl.review.duration";

    /// <summary>Counter: reviews past their deadline. Tags <c>hitl.action_type</c>, <c>hitl.fallback</c> (<c>escalate</c>, <c>block</c>).</summary>
    public const string Timeouts = "hitl.review.timeouts";

    /// <summary>Counter: overrides of auto-executed decisions. Tag <c>hitl.action_type</c>.</summary>
    public const string Overrides = "hitl.review.overrides";

    /// <summary>Counter: auto-executed decisions drawn by the audit sample. Tag <c>hitl.action_type</c>.</summary>
    public const string SampledAudits = "hitl.audit.sampled";

    /// <summary>Counter: acts recorded. Tags <c>hitl.act</c> (the act's JSON name: <c>approved</c>, <c>timed-out</c>, ...), <c>hitl.action_type</c>.</summary>
    public const string Acts = "hitl.review.acts";

    /// <summary>Counter: acts refused. Tag <c>error.type</c> (the <c>ReviewErrorCode</c> in kebab case, for example <c>tier-too-low</c>).</summary>
    public const string Refusals = "hitl.review.refusals";

    /// <summary>
    /// Histogram (seconds): one case-store or audit-store operation of the gate. Tags <c>hitl.store.operation</c>
    /// (<c>get</c>, <c>commit</c>, <c>query</c>, <c>claim</c>) and, on failure, <c>error.type</c>. Bucket advice:
    /// <see cref="StoreDurationBuckets"/>.
    /// </summary>
    public const string StoreOperationDuration = "hitl.store.operation.duration";

    /// <summary>
    /// Counter: oversight alerts raised by an <c>OversightMonitor</c> (each finding once, when it first appears). Tag
    /// <c>hitl.oversight.kind</c> (<c>rubber-stamp</c>, <c>drift</c>, <c>disparity</c>, <c>auto-path-error-rate</c>).
    /// </summary>
    public const string OversightAlerts = "hitl.oversight.alerts";

    /// <summary>Gauge: the findings open at the monitor's last check, by <c>hitl.oversight.kind</c>.</summary>
    public const string OversightFindings = "hitl.oversight.findings";

    /// <summary>The tag for the kind of an oversight finding.</summary>
    public const string OversightKindTag = "hitl.oversight.kind";

    /// <summary>The tag for the route, as its JSON name (<c>auto-execute</c>, <c>review</c>, ...).</summary>
    public const string RouteTag = "hitl.route";

    /// <summary>The tag for the action type.</summary>
    public const string ActionTypeTag = "hitl.action_type";

    /// <summary>The tag for the cause of an escalation.</summary>
    public const string CauseTag = "hitl.cause";

    /// <summary>The tag for a case's outcome: its state's JSON name (<c>approved</c>, <c>rejected</c>, <c>blocked</c>, ...).</summary>
    public const string OutcomeTag = "hitl.outcome";

    /// <summary>The tag for a timeout's fallback route.</summary>
    public const string FallbackTag = "hitl.fallback";

    /// <summary>The tag for the act.</summary>
    public const string ActTag = "hitl.act";

    /// <summary>
    /// The OpenTelemetry tag for the kind of a failure: a <c>ReviewErrorCode</c> in kebab case for a refused act, else the
    /// full name of the exception's type. On spans and on the refusal and store-duration metrics.
    /// </summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The tag for a store operation.</summary>
    public const string StoreOperationTag = "hitl.store.operation";

    /// <summary>The tag (on spans) for the case id.</summary>
    public const string CaseIdTag = "hitl.case_id";

    /// <summary>The tag (on spans) for the acting person or system.</summary>
    public const string ActorTag = "hitl.actor";

    /// <summary>
    /// The bucket boundaries (seconds) advised for <see cref="ReviewDuration"/>: reviews take seconds to days, so the
    /// buckets run from one second to one week.
    /// </summary>
    public static IReadOnlyList<double> ReviewDurationBuckets { get; } =
        [1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 172_800, 345_600, 604_800];

    /// <summary>The bucket boundaries (seconds) advised for <see cref="StoreOperationDuration"/>: half a millisecond to ten seconds.</summary>
    public static IReadOnlyList<double> StoreDurationBuckets { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    // Live shadow (a candidate policy beside the active one in dependency injection: AddShadowPolicy).

    /// <summary>
    /// Counter: decisions a live shadow compared. Tags <c>hitl.action_type</c>, <c>hitl.route</c> (the active route, the
    /// one that applied), <c>hitl.shadow.candidate_route</c> (left out when the candidate threw) and
    /// <c>hitl.shadow.outcome</c> (<c>same</c>, <c>looser</c>, <c>stricter</c>, <c>tier</c>, <c>fault</c>).
    /// </summary>
    public const string ShadowDecisions = "hitl.shadow.decisions";

    /// <summary>Counter: sampled differences a live shadow appended to its record file. Tag <c>hitl.action_type</c>.</summary>
    public const string ShadowRecordsWritten = "hitl.shadow.records.written";

    /// <summary>
    /// Counter: sampled differences a live shadow lost. Tags <c>hitl.action_type</c>, <c>hitl.shadow.drop_reason</c>
    /// (<c>buffer-full</c>: the buffer of pending records was full; <c>write-failed</c>: the record file could not be written).
    /// </summary>
    public const string ShadowRecordsDropped = "hitl.shadow.records.dropped";

    /// <summary>The tag for the candidate policy's route, as its JSON name.</summary>
    public const string ShadowCandidateRouteTag = "hitl.shadow.candidate_route";

    /// <summary>The tag for how the candidate's decision compares with the active one's.</summary>
    public const string ShadowOutcomeTag = "hitl.shadow.outcome";

    /// <summary>The tag for why a shadow record was lost.</summary>
    public const string ShadowDropReasonTag = "hitl.shadow.drop_reason";
}
