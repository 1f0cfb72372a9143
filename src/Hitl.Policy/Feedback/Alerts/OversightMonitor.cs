using System.Diagnostics.Metrics;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hitl.Policy.Feedback;

/// <summary>
/// Watches the people in the loop and the auto path: each check reads the audit trail, builds the
/// <see cref="OversightReport"/> and turns every finding that crosses its threshold (a rubber-stamp reviewer, a drift, a
/// disparity between segments, an auto path above its error bound) into an <see cref="OversightAlert"/>. A finding goes to
/// the sinks once, when it first appears; it is raised again only after a check without it. Counts alerts on
/// <see cref="HitlTelemetry.OversightAlerts"/> and open findings on <see cref="HitlTelemetry.OversightFindings"/>.
/// </summary>
/// <remarks>
/// A check reads the whole trail: run it every few minutes or hours, not per decision. With an interval, a timer runs the
/// checks; a check that fails (the store cannot be read) is logged and the next one tries again. Thread-safe: checks never overlap.
/// </remarks>
/// <example>
/// <code>
/// var monitor = new OversightMonitor(auditStore, [new PagerSink()], new OversightOptions { MaxAutoErrorRate = 0.01 });
/// var check = await monitor.CheckAsync();   // check.Raised went to the pager
/// </code>
/// </example>
public sealed class OversightMonitor : IDisposable
{
    private static readonly OversightAlertKind[] Kinds = Enum.GetValues<OversightAlertKind>();
    private readonly IAuditStore _audit;
    private readonly IOversightAlertSink[] _sinks;
    private readonly OversightOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _alerts;
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly ITimer? _timer;
    private readonly int[] _open = new int[Kinds.Length];
    private HashSet<string> _openKeys = new(StringComparer.Ordinal);

    /// <summary>Creates a monitor.</summary>
    /// <param name="audit">The audit trail to read (for a case store, its <c>Audit</c>).</param>
    /// <param name="sinks">Where alerts go; none is allowed (the metrics and <see cref="CheckAsync"/> still tell).</param>
    /// <param name="options">The thresholds; defaults when <see langword="null"/>. Checked now.</param>
    /// <param name="interval">How often a timer checks; no timer when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock and timer; the system clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where failed checks and failing sinks are logged.</param>
    /// <param name="meterFactory">The factory of the meter <see cref="HitlTelemetry.MeterName"/>; a meter of its own when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range, or the interval is not positive.</exception>
    public OversightMonitor(
        IAuditStore audit,
        IEnumerable<IOversightAlertSink> sinks,
        OversightOptions? options = null,
        TimeSpan? interval = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(sinks);
        _options = options ?? new OversightOptions();
        _options.Validate();
        if (interval is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), every, string.Create(CultureInfo.InvariantCulture, $"The oversight check interval must be more than zero; it is {every}."));
        }

        _audit = audit;
        _sinks = [.. sinks];
        if (Array.IndexOf(_sinks, null) >= 0)
        {
            throw new ArgumentException("An oversight alert sink is null.", nameof(sinks));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger("Hitl.Policy.Oversight") ?? NullLogger.Instance;
        var meterOptions = new MeterOptions(HitlTelemetry.MeterName) { Version = HitlTelemetry.Version };
        _meter = meterFactory?.Create(meterOptions) ?? new Meter(meterOptions);
        _alerts = _meter.CreateCounter<long>(HitlTelemetry.OversightAlerts, "{alert}", "Oversight alerts raised, by kind.");
        _meter.CreateObservableGauge(HitlTelemetry.OversightFindings, Observe, "{finding}", "Oversight findings open at the last check, by kind.");
        if (interval is { } period)
        {
            _timer = _time.CreateTimer(static state => _ = ((OversightMonitor)state!).CheckFromTimerAsync(), this, period, period);
        }
    }

    /// <summary>The result of the last check that completed, if any.</summary>
    public OversightCheck? LastCheck { get; private set; }

    /// <summary>
    /// Reads the trail, reports, and sends the findings that are new since the last check to every sink. A sink that
    /// fails is logged and does not stop the others.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The report, the open findings and the ones raised now.</returns>
    /// <exception cref="AuditStoreException">The trail cannot be read (nothing is raised; the next check tries again).</exception>
    public async ValueTask<OversightCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        await _checking.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var observed = await ObservedCases.CollectAsync(_audit.ReadAsync(cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
            var report = OversightAnalyzer.Analyze(observed.Cases, _options, _time);
            var open = AlertsOf(report);
            var raised = open.Where(a => !_openKeys.Contains(KeyOf(a))).ToList();
            foreach (var alert in raised)
            {
                _alerts.Add(1, new KeyValuePair<string, object?>(HitlTelemetry.OversightKindTag, TagValue<OversightAlertKind>.Of(alert.Kind)));
                foreach (var sink in _sinks)
                {
                    try
                    {
                        await sink.AlertAsync(alert, cancellationToken).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // One sink's failure must not keep the alert from the others, nor fail the check.
                    catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                    {
                        HitlLog.OversightSinkFailed(_logger, ex, TagValue<OversightAlertKind>.Of(alert.Kind), sink.GetType().Name);
                    }
                }
            }

            _openKeys = open.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
            lock (_open)
            {
                Array.Clear(_open);
                foreach (var alert in open)
                {
                    _open[Array.IndexOf(Kinds, alert.Kind)]++;
                }
            }

            return LastCheck = new OversightCheck(report, open, raised);
        }
        finally
        {
            _checking.Release();
        }
    }

    /// <summary>Stops the timer and the meter.</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        _meter.Dispose();
    }

    /// <summary>Every finding of a report that crosses its threshold, as alerts stamped with the report's time.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The alerts: rubber stamps, drifts, disparities, auto paths above their bound.</returns>
    public static IReadOnlyList<OversightAlert> AlertsOf(OversightReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var at = report.GeneratedAt;
        var alerts = new List<OversightAlert>();
        alerts.AddRange(report.RubberStamps.Select(r => new OversightAlert
        {
            Kind = OversightAlertKind.RubberStamp,
            Key = r.Reviewer,
            Value = r.MedianReviewSeconds,
            Threshold = r.PeerMedianReviewSeconds,
            Message = r.Reason,
            At = at,
        }));
        alerts.AddRange(report.Trends.Where(t => t.Flagged).Select(t => new OversightAlert
        {
            Kind = OversightAlertKind.Drift,
            Key = TagValue<DriftScope>.Of(t.Scope) + ":" + t.Key,
            ActionType = t.Scope == DriftScope.ActionType ? t.Key : null,
            Value = t.Z,
            Threshold = t.CriticalZ,
            Message = Text($"The override rate of {TagValue<DriftScope>.Of(t.Scope)} {t.Key} rose by {t.Increase:0.0%} across {t.Windows.Count} windows (trend z = {t.Z:0.00}, critical {t.CriticalZ:0.00})."),
            At = at,
        }));
        alerts.AddRange(report.AutoPath.Where(a => a.Flagged).Select(a => new OversightAlert
        {
            Kind = OversightAlertKind.AutoPathErrorRate,
            Key = a.ActionType,
            ActionType = a.ActionType,
            Value = a.Errors.Lower,
            Threshold = a.Bound,
            Message = Text($"The auto path of {a.ActionType} failed {a.Errors.Successes} of {a.Errors.Trials} audits ({a.Errors}); even the interval's lower end is above the bound of {a.Bound:0.0%}."),
            At = at,
        }));
        alerts.AddRange((report.Bias?.Findings ?? []).Select(d => new OversightAlert
        {
            Kind = OversightAlertKind.Disparity,
            Key = d.ActionType + "/" + d.Segment + "=" + d.Value + "/" + TagValue<DisparitySource>.Of(d.Source),
            ActionType = d.ActionType,
            Value = d.Ratio,
            Threshold = report.Bias!.FourFifths,
            Message = d.Reason,
            At = at,
        }));
        return alerts;
    }

    private static string KeyOf(OversightAlert alert) => TagValue<OversightAlertKind>.Of(alert.Kind) + "|" + alert.Key;

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private IEnumerable<Measurement<int>> Observe()
    {
        lock (_open)
        {
            return [.. Kinds.Select((kind, i) => new Measurement<int>(_open[i], new KeyValuePair<string, object?>(HitlTelemetry.OversightKindTag, TagValue<OversightAlertKind>.Of(kind))))];
        }
    }

    private async Task CheckFromTimerAsync()
    {
        try
        {
            await CheckAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A timer's check that fails is logged; the next tick tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HitlLog.OversightCheckFailed(_logger, ex);
        }
    }
}
