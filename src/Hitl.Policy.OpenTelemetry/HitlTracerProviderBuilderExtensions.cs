using Hitl.Policy.Telemetry;

namespace OpenTelemetry.Trace;

/// <summary>
/// Subscribes OpenTelemetry tracing to Hitl.Policy: the spans of the review gate (one per act, per store operation, with
/// <c>error.type</c> and error status on failure; see <see cref="HitlTelemetry"/> for every name).
/// </summary>
public static class HitlTracerProviderBuilderExtensions
{
    /// <summary>Adds the activity source <see cref="HitlTelemetry.ActivitySourceName"/> to the tracer provider.</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static TracerProviderBuilder AddHitlInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(HitlTelemetry.ActivitySourceName);
    }
}
