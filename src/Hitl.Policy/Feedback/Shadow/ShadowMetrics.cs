using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hitl.Policy.Telemetry;

namespace Hitl.Policy.Feedback;

/// <summary>
/// The live shadow's instruments, on the meter <see cref="HitlTelemetry.MeterName"/>: one per application (a singleton
/// in dependency injection, shared by every policy's shadow), created from an <see cref="IMeterFactory"/> when one is given.
/// Recording allocates nothing: tags go in a <see cref="TagList"/>, and every tag value is a string that already exists.
/// </summary>
internal sealed class ShadowMetrics : IDisposable
{
    internal const string BufferFull = "buffer-full";
    internal const string WriteFailed = "write-failed";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;

    public ShadowMetrics(IMeterFactory? meterFactory = null)
    {
        var options = new MeterOptions(HitlTelemetry.MeterName) { Version = HitlTelemetry.Version };
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _decisions = _meter.CreateCounter<long>(HitlTelemetry.ShadowDecisions, "{decision}",
            "Decisions a live shadow compared with its candidate policy, by action type, active route, candidate route and outcome.");
        _written = _meter.CreateCounter<long>(HitlTelemetry.ShadowRecordsWritten, "{record}",
            "Sampled differences a live shadow appended to its record file.");
        _dropped = _meter.CreateCounter<long>(HitlTelemetry.ShadowRecordsDropped, "{record}",
            "Sampled differences a live shadow lost: its buffer was full, or its record file could not be written.");
    }

    internal Meter Meter => _meter;

    public void Dispose()
    {
        // A meter from a factory belongs to the factory (and is shared with the gate's instruments).
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>Counts one comparison. <paramref name="candidateRoute"/> is <see langword="null"/> when the candidate threw.</summary>
    public void Compared(string? actionType, RouteLevel activeRoute, RouteLevel? candidateRoute, string outcome)
    {
        if (!_decisions.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { HitlTelemetry.ActionTypeTag, actionType },
            { HitlTelemetry.RouteTag, activeRoute.ToJsonName() },
            { HitlTelemetry.ShadowOutcomeTag, outcome },
        };
        if (candidateRoute is { } route)
        {
            tags.Add(HitlTelemetry.ShadowCandidateRouteTag, route.ToJsonName());
        }

        _decisions.Add(1, tags);
    }

    public void Written(string? actionType)
    {
        if (_written.Enabled)
        {
            _written.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.ActionTypeTag, actionType));
        }
    }

    public void Dropped(string? actionType, string reason)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(1, new(HitlTelemetry.ActionTypeTag, actionType), new(HitlTelemetry.ShadowDropReasonTag, reason));
        }
    }
}
