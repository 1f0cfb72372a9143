using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;

namespace Hitl.Policy.Telemetry;

/// <summary>
/// The review gate's instruments, on the meter <see cref="HitlTelemetry.MeterName"/> (version
/// <see cref="HitlTelemetry.Version"/>). One per application (the DI registration makes it a singleton); created from an
/// <see cref="IMeterFactory"/> when one is given.
/// </summary>
public sealed class GateMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _escalations;
    private readonly Histogram<double> _reviewDuration;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _overrides;
    private readonly Counter<long> _sampled;
    private readonly Counter<long> _acts;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _storeDuration;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">The factory to create the meter with; a meter of its own when <see langword="null"/>.</param>
    public GateMetrics(IMeterFactory? meterFactory = null)
    {
        var options = new MeterOptions(HitlTelemetry.MeterName) { Version = HitlTelemetry.Version };
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _decisions = _meter.CreateCounter<long>(HitlTelemetry.Decisions, "{decision}", "Decisions that passed the review gate, by route and action type.");
        _escalations = _meter.CreateCounter<long>(HitlTelemetry.Escalations, "{escalation}", "Cases escalated, by action type and cause.");
        _reviewDuration = _meter.CreateHistogram(HitlTelemetry.ReviewDuration, "s", "Time from a case's review round opening to its outcome.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HitlTelemetry.ReviewDurationBuckets });
        _timeouts = _meter.CreateCounter<long>(HitlTelemetry.Timeouts, "{case}", "Reviews that passed their deadline, by fallback.");
        _overrides = _meter.CreateCounter<long>(HitlTelemetry.Overrides, "{case}", "Auto-executed decisions overridden by a person.");
        _sampled = _meter.CreateCounter<long>(HitlTelemetry.SampledAudits, "{decision}", "Auto-executed decisions drawn by the audit sample.");
        _acts = _meter.CreateCounter<long>(HitlTelemetry.Acts, "{act}", "Acts recorded, by act.");
        _refusals = _meter.CreateCounter<long>(HitlTelemetry.Refusals, "{act}", "Acts refused, by error type.");
        _storeDuration = _meter.CreateHistogram(HitlTelemetry.StoreOperationDuration, "s", "Duration of the gate's case-store operations.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HitlTelemetry.StoreDurationBuckets });
    }

    /// <summary>The activity source of the gate (<see cref="HitlTelemetry.ActivitySourceName"/>).</summary>
    internal static ActivitySource ActivitySource { get; } = new(HitlTelemetry.ActivitySourceName, HitlTelemetry.Version);

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

    internal void ReviewDuration(string? actionType, CaseState outcome, TimeSpan elapsed) =>
        _reviewDuration.Record(elapsed.TotalSeconds, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.OutcomeTag, TagValue<CaseState>.Of(outcome)));

    internal void Timeout(string? actionType, RouteLevel fallback) =>
        _timeouts.Add(1, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.FallbackTag, fallback.ToJsonName()));

    internal void Override(string? actionType) => _overrides.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, actionType));

    internal void Sampled(string? actionType) => _sampled.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, actionType));

    internal void Act(ActKind act, string? actionType) =>
        _acts.Add(1, new(HitlTelemetry.ActTag, TagValue<ActKind>.Of(act)), new(HitlTelemetry.ActionTypeTag, actionType));

    internal void Refusal(ReviewErrorCode code) =>
        _refusals.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ErrorTypeTag, TagValue<ReviewErrorCode>.Of(code)));

    /// <summary>Starts timing and tracing one store operation; dispose the scope when it ends, after <see cref="StoreScope.Fail"/> if it failed.</summary>
    internal StoreScope Store(string operation, string? caseId) => new(this, operation, caseId);

    internal void StoreDuration(string operation, TimeSpan elapsed, string? errorType)
    {
        if (!_storeDuration.Enabled)
        {
            return;
        }

        if (errorType is null)
        {
            _storeDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(HitlTelemetry.StoreOperationTag, operation));
        }
        else
        {
            _storeDuration.Record(elapsed.TotalSeconds, new(HitlTelemetry.StoreOperationTag, operation), new(HitlTelemetry.ErrorTypeTag, errorType));
        }
    }

    /// <summary>Starts a span of the gate; <see langword="null"/> when nobody listens.</summary>
    internal static Activity? Start(string name, string? caseId, string? actor = null)
    {
        var activity = ActivitySource.StartActivity(name);
        if (activity is not null)
        {
            activity.SetTag(HitlTelemetry.CaseIdTag, caseId);
            activity.SetTag(HitlTelemetry.ActorTag, actor);
        }

        return activity;
    }

    /// <summary>Runs a public operation of the gate in a span of its own (error status and <c>error.type</c> when it throws).</summary>
    internal static ValueTask<T> TracedAsync<T>(string name, string? caseId, string? actor, Func<ValueTask<T>> run)
    {
        if (!ActivitySource.HasListeners())
        {
            return run();
        }

        return RunAsync(name, caseId, actor, run);

        static async ValueTask<T> RunAsync(string name, string? caseId, string? actor, Func<ValueTask<T>> run)
        {
            using var activity = Start(name, caseId, actor);
            try
            {
                return await run().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(activity, ex);
                throw;
            }
        }
    }

    /// <summary>The activity when it is a span of the gate (not, say, the host's request around it).</summary>
    internal static Activity? Own(Activity? activity) => activity?.Source == ActivitySource ? activity : null;

    /// <summary>Marks a span failed: error status and <c>error.type</c>. The exception's message stays out (it may carry case data).</summary>
    internal static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        var type = ErrorType.Of(exception);
        activity.SetTag(HitlTelemetry.ErrorTypeTag, type);
        activity.SetStatus(ActivityStatusCode.Error, type);
    }

    /// <summary>One store operation: a span and its duration, with <c>error.type</c> when it failed.</summary>
    internal sealed class StoreScope : IDisposable
    {
        private readonly GateMetrics _metrics;
        private readonly string _operation;
        private readonly Activity? _activity;
        private readonly long _started;
        private string? _errorType;

        public StoreScope(GateMetrics metrics, string operation, string? caseId)
        {
            _metrics = metrics;
            _operation = operation;
            _activity = Start("hitl.store." + operation, caseId);
            _activity?.SetTag(HitlTelemetry.StoreOperationTag, operation);
            _started = Stopwatch.GetTimestamp();
        }

        /// <summary>Records the failure (a lost race is an outcome, not a failure: the caller retries).</summary>
        public void Fail(Exception exception)
        {
            _errorType = ErrorType.Of(exception);
            GateMetrics.Fail(_activity, exception);
        }

        public void Dispose()
        {
            _metrics.StoreDuration(_operation, Stopwatch.GetElapsedTime(_started), _errorType);
            _activity?.Dispose();
        }
    }
}
