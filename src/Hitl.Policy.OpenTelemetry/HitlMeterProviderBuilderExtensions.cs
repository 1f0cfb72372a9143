using Hitl.Policy.Telemetry;

namespace OpenTelemetry.Metrics;

/// <summary>
/// Subscribes OpenTelemetry to Hitl.Policy: the metrics of the review gate (see <see cref="HitlTelemetry"/> for every name).
/// </summary>
public static class HitlMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds the meter <see cref="HitlTelemetry.MeterName"/> to the meter provider. The histograms carry their own bucket
    /// advice (<see cref="HitlTelemetry.ReviewDurationBuckets"/>, seconds to a week; <see cref="HitlTelemetry.StoreDurationBuckets"/>),
    /// which the OpenTelemetry SDK uses unless a view says otherwise.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static MeterProviderBuilder AddHitlInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(HitlTelemetry.MeterName);
    }
}
