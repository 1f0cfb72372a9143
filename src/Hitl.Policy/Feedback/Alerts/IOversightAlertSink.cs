namespace Hitl.Policy.Feedback;

/// <summary>
/// Where an <see cref="OversightMonitor"/> sends its alerts: a pager, a chat channel, a ticket queue. A sink that throws is
/// logged and the other sinks still get the alert; the monitor never throws a sink's failure at its caller.
/// </summary>
public interface IOversightAlertSink
{
    /// <summary>Takes one alert.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes when the alert is delivered.</returns>
    ValueTask AlertAsync(OversightAlert alert, CancellationToken cancellationToken = default);
}
