using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hitl.Policy.Telemetry;

/// <summary>
/// The review gate's instruments, on the meter <see cref="HitlTelemetry.MeterName"/>. One per application (the DI
/// registration makes it a singleton); created from an <see cref="IMeterFactory"/> when one is given.
/// </summary>
public sealed class GateMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _escalations;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _overrides;
    private readonly Counter<long> _sampled;
    private readonly Counter<long> _acts;
    private readonly Counter<long> _refusals;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The factory to create the meter with; a meter of its own when <see langword="null"/>.</param>
    public GateMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(HitlTelemetry.MeterName) ?? new Meter(HitlTelemetry.MeterName);
        _decisions = _meter.CreateCounter<long>(HitlTelemetry.Decisions, "{decision}", "Decisions that passed the review gate, by route and action type.");
        _escalations = _meter.CreateCounter<long>(HitlTelemetry.Escalations, "{escalation}", "Cases escalated, by action type and cause.");
        _latency = _meter.CreateHistogram<double>(HitlTelemetry.ReviewLatency, "s", "Time from a case opening to its outcome.");
        _timeouts = _meter.CreateCounter<long>(HitlTelemetry.Timeouts, "{case}", "Reviews that passed their deadline, by fallback.");
        _overrides = _meter.CreateCounter<long>(HitlTelemetry.Overrides, "{case}", "Auto-executed decisions overridden by a person.");
        _sampled = _meter.CreateCounter<long>(HitlTelemetry.SampledAudits, "{decision}", "Auto-executed decisions drawn by the audit sample.");
        _acts = _meter.CreateCounter<long>(HitlTelemetry.Acts, "{act}", "Human acts recorded, by act.");
        _refusals = _meter.CreateCounter<long>(HitlTelemetry.Refusals, "{act}", "Acts refused, by error code.");
    }

    /// <summary>The activity source of the gate (<see cref="HitlTelemetry.ActivitySourceName"/>).</summary>
    internal static ActivitySource ActivitySource { get; } = new(HitlTelemetry.ActivitySourceName);

    internal Meter Meter => _meter;

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal void Decision(RouteLevel route, string? actionType)
    {
        if (_decisions.Enabled)
        {
            _decisions.Add(1, new(HitlTelemetry.RouteTag, route.ToJsonName()), new(HitlTelemetry.ActionTypeTag, actionType));
        }
    }

    internal void Escalation(string? actionType, string cause) =>
        _escalations.Add(1, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.CauseTag, cause));

    internal void Latency(string? actionType, string outcome, TimeSpan elapsed) =>
        _latency.Record(elapsed.TotalSeconds, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.OutcomeTag, outcome));

    internal void Timeout(string? actionType, RouteLevel fallback) =>
        _timeouts.Add(1, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.FallbackTag, fallback.ToJsonName()));

    internal void Override(string? actionType) => _overrides.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, actionType));

    internal void Sampled(string? actionType) => _sampled.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, actionType));

    internal void Act(string act, string? actionType) =>
        _acts.Add(1, new(HitlTelemetry.ActTag, act), new(HitlTelemetry.ActionTypeTag, actionType));

    internal void Refusal(string code) => _refusals.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ErrorTag, code));
}
