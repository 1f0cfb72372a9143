using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Hitl.Policy.Snippets;

/// <summary>docs/telemetry.md: OpenTelemetry wired to Hitl.Policy in one line per signal.</summary>
public static class TelemetrySnippet
{
    /// <summary>Subscribes the host's OpenTelemetry to the gate's spans and metrics.</summary>
    public static void Wire(IServiceCollection services)
    {
        #region opentelemetry
        services.AddOpenTelemetry()
            .WithTracing(t => t.AddHitlInstrumentation())
            .WithMetrics(m => m.AddHitlInstrumentation());
        #endregion
    }
}
