using Hitl.Policy.AspNetCore.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Hitl health checks to the host's health checks.</summary>
public static class HitlHealthChecksBuilderExtensions
{
    /// <summary>The tag every Hitl check carries (filter with <c>MapHealthChecks("/health", new() { Predicate = r =&gt; r.Tags.Contains("hitl") })</c>).</summary>
    public const string Tag = "hitl";

    /// <summary>
    /// Adds three checks: <c>hitl-policy</c> (<see cref="HitlPolicyHealthCheck"/>: the active policies and their last
    /// reload), <c>hitl-case-store</c> (<see cref="HitlCaseStoreHealthCheck"/>: each gate's store answers) and
    /// <c>hitl-audit-chain</c> (<see cref="HitlAuditChainHealthCheck"/>: each trail verifies; its head in the data).
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Sets <see cref="HitlHealthCheckOptions"/>; optional.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddHitlChecks(this IHealthChecksBuilder builder, Action<HitlHealthCheckOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new HitlHealthCheckOptions();
        configure?.Invoke(options);
        if (options.AuditVerifyInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.AuditVerifyInterval,
                $"HitlHealthCheckOptions.AuditVerifyInterval must not be negative; it is {options.AuditVerifyInterval}.");
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new HitlAuditChainHealthCheck(
            sp.GetServices<Hitl.Policy.DependencyInjection.HitlPolicyStatus>(), options, sp.GetRequiredService<TimeProvider>()));
        string[] tags = [Tag];
        return builder
            .AddCheck<HitlPolicyHealthCheck>("hitl-policy", HealthStatus.Unhealthy, tags)
            .AddCheck<HitlCaseStoreHealthCheck>("hitl-case-store", HealthStatus.Unhealthy, tags)
            .Add(new HealthCheckRegistration("hitl-audit-chain", sp => sp.GetRequiredService<HitlAuditChainHealthCheck>(), HealthStatus.Unhealthy, tags));
    }
}
