using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Adds oversight to a policy registered with <c>AddHitlPolicy(...)</c>: a monitor over its audit trail and the sinks its alerts go to.</summary>
public static class HitlOversightBuilderExtensions
{
    /// <summary>
    /// Adds an <see cref="OversightMonitor"/> over this policy's audit trail (the case store's, else the audit store's),
    /// resolvable as <see cref="OversightMonitor"/> (keyed by the policy's name for a named policy). With an interval, its
    /// timer starts when the monitor is first resolved: resolve it at start-up, or call <see cref="OversightMonitor.CheckAsync"/> from a job.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="configure">Sets the thresholds; checked when the monitor is made.</param>
    /// <param name="interval">How often to check; no timer when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> AddOversightMonitor<TContext>(
        this HitlPolicyBuilder<TContext> builder, Action<OversightOptions>? configure = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        OversightMonitor Create(IServiceProvider sp)
        {
            var options = new OversightOptions();
            configure?.Invoke(options);
            var audit = HitlPolicyBuilder<TContext>.Find<ICaseStore>(sp, name)?.Audit
                ?? HitlPolicyBuilder<TContext>.Find<IAuditStore>(sp, name)
                ?? throw new InvalidOperationException(
                    $"The oversight monitor of {(name is null ? "the default Hitl policy" : $"the Hitl policy '{name}'")} has no trail to read: add a case store or an audit store to the policy (AddCaseStore, AddAuditStore or AddJsonLinesAuditStore).");
            var sinks = name is null ? sp.GetServices<IOversightAlertSink>() : sp.GetKeyedServices<IOversightAlertSink>(name).Concat(sp.GetServices<IOversightAlertSink>());
            return new OversightMonitor(audit, sinks, options, interval, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetService<IMeterFactory>());
        }

        builder.Services.Add(name is null
            ? ServiceDescriptor.Singleton(Create)
            : ServiceDescriptor.KeyedSingleton(name, (sp, _) => Create(sp)));
        return builder;
    }

    /// <summary>Adds a sink for this policy's oversight alerts (for a named policy, keyed by its name; sinks added without a policy name get every policy's alerts).</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="sink">The sink.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> AddOversightAlertSink<TContext>(this HitlPolicyBuilder<TContext> builder, IOversightAlertSink sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.Services.Add(builder.Name is null ? ServiceDescriptor.Singleton(sink) : ServiceDescriptor.KeyedSingleton(builder.Name, sink));
        return builder;
    }

    /// <summary>Adds a sink for this policy's oversight alerts, made by the container.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <typeparam name="TSink">The sink's type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> AddOversightAlertSink<TContext, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(this HitlPolicyBuilder<TContext> builder)
        where TSink : class, IOversightAlertSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Add(builder.Name is null
            ? ServiceDescriptor.Singleton<IOversightAlertSink, TSink>()
            : ServiceDescriptor.KeyedSingleton<IOversightAlertSink, TSink>(builder.Name));
        return builder;
    }
}
