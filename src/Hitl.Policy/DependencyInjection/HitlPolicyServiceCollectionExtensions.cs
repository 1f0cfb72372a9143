using System.Diagnostics.Metrics;
using Hitl.Policy;
using Hitl.Policy.Audit;
using Hitl.Policy.Definition;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds Hitl policies to a service collection: each one a <see cref="IEscalationPolicy{TContext}"/> (a
/// <see cref="ReloadablePolicy{TContext}"/>), checked at start and swapped atomically on reload; with
/// <c>AddReviewGate()</c> on the builder, also its <see cref="ReviewGate{TContext}"/> and <see cref="AuditedKillSwitch"/>.
/// </summary>
/// <remarks>
/// <para><b>One policy or several.</b> Without a name, a policy is the context type's default service
/// (<c>GetRequiredService&lt;IEscalationPolicy&lt;T&gt;&gt;()</c>). With a name it is a keyed service under that name
/// (<c>[FromKeyedServices("loans")] IEscalationPolicy&lt;T&gt;</c>), so several policies of one context type live side
/// by side. Adding a second policy with the same context type and name is refused at registration.</para>
/// <para><b>Shared services.</b> One <see cref="TimeProvider"/> (the system clock unless the host registers one), one
/// <see cref="KillSwitch"/> that every policy obeys, and one <see cref="GateMetrics"/>.</para>
/// </remarks>
public static class HitlPolicyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the default policy read with the ready-made <see cref="Signals"/> context (its host fields come from the
    /// policy's <c>fields</c>), configured in code.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the policy source.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, Action<HitlPolicyOptions> configure) =>
        Add(services, null, null, Required(configure), Signals.SchemaFor);

    /// <summary>Adds the default policy read with the ready-made <see cref="Signals"/> context, bound from configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section with <c>PolicyPath</c> or <c>PolicyJson</c>, and <c>Gate</c>.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, IConfiguration configuration) =>
        Add(services, null, Required(configuration), null, Signals.SchemaFor);

    /// <summary>Adds a named policy read with the <see cref="Signals"/> context, configured in code; resolve it by its name as a keyed service.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The policy's name: the key of its services.</param>
    /// <param name="configure">Sets the policy source.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, string name, Action<HitlPolicyOptions> configure) =>
        Add(services, RequiredName(name), null, Required(configure), Signals.SchemaFor);

    /// <summary>Adds a named policy read with the <see cref="Signals"/> context, bound from configuration; resolve it by its name as a keyed service.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The policy's name: the key of its services.</param>
    /// <param name="configuration">The section with <c>PolicyPath</c> or <c>PolicyJson</c>, and <c>Gate</c>.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, string name, IConfiguration configuration) =>
        Add(services, RequiredName(name), Required(configuration), null, Signals.SchemaFor);

    /// <summary>Adds the default policy for the host's own context type, configured in code.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the policy source.</param>
    /// <param name="schema">Gives the signal schema for a policy definition (most hosts ignore the argument).</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, Action<HitlPolicyOptions> configure, Func<PolicyDefinition, SignalSchema<TContext>> schema) =>
        Add(services, null, null, Required(configure), schema);

    /// <summary>
    /// Adds the default policy for the host's own context type, bound from configuration: <c>PolicyPath</c> (with
    /// <c>WatchPolicyFile</c>) or <c>PolicyJson</c>; <c>AddReviewGate()</c> reads the section <c>Gate</c> beside them
    /// (see <see cref="ReviewGateOptions"/>). When the configuration reloads, the policy is compiled again and swapped
    /// in; a policy that does not compile is logged and the last good one stays. An edit of the policy file itself
    /// reloads it the same way.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section, for example <c>configuration.GetSection("Hitl")</c>.</param>
    /// <param name="schema">Gives the signal schema for a policy definition.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, IConfiguration configuration, Func<PolicyDefinition, SignalSchema<TContext>> schema) =>
        Add(services, null, Required(configuration), null, schema);

    /// <summary>Adds a named policy for the host's own context type, configured in code; resolve it by its name as a keyed service.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="name">The policy's name: the key of its services.</param>
    /// <param name="configure">Sets the policy source.</param>
    /// <param name="schema">Gives the signal schema for a policy definition.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, string name, Action<HitlPolicyOptions> configure, Func<PolicyDefinition, SignalSchema<TContext>> schema) =>
        Add(services, RequiredName(name), null, Required(configure), schema);

    /// <summary>Adds a named policy for the host's own context type, bound from configuration; resolve it by its name as a keyed service.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="name">The policy's name: the key of its services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="schema">Gives the signal schema for a policy definition.</param>
    /// <returns>A builder for the review gate and its parts.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, string name, IConfiguration configuration, Func<PolicyDefinition, SignalSchema<TContext>> schema) =>
        Add(services, RequiredName(name), Required(configuration), null, schema);

    private static HitlPolicyBuilder<TContext> Add<TContext>(
        IServiceCollection services, string? name, IConfiguration? configuration, Action<HitlPolicyOptions>? configure,
        Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(schema);
        var registration = new HitlPolicyRegistration(typeof(TContext), name);
        if (services.Any(d => d.ServiceType == typeof(HitlPolicyRegistration) && registration.Equals(d.ImplementationInstance)))
        {
            throw new InvalidOperationException(name is null
                ? $"A default Hitl policy for {typeof(TContext).Name} is already added. Give every further policy of this context type a name, AddHitlPolicy(\"name\", ...), and resolve it as a keyed service ([FromKeyedServices(\"name\")])."
                : $"A Hitl policy named '{name}' for {typeof(TContext).Name} is already added; give each policy its own name.");
        }

        services.AddSingleton(registration);
        var optionsName = registration.OptionsName;
        var state = new PolicyActivationState();
        var options = services.AddOptions<HitlPolicyOptions>(optionsName);
        if (configuration is not null)
        {
            options.Configure(o => HitlConfiguration.BindPolicy(configuration, o));
            services.AddSingleton<IOptionsChangeTokenSource<HitlPolicyOptions>>(new ConfigurationChangeTokenSource<HitlPolicyOptions>(optionsName, configuration));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<HitlPolicyOptions>>(new HitlPolicyOptionsValidator<TContext>(optionsName, schema, state));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new KillSwitch(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new GateMetrics(sp.GetService<IMeterFactory>()));
        if (name is null)
        {
            services.AddSingleton(sp => Activate(sp, null, optionsName, schema, state));
            services.AddSingleton<IEscalationPolicy<TContext>>(sp => sp.GetRequiredService<ReloadablePolicy<TContext>>());
            services.AddSingleton(sp => new HitlPolicyStatus(typeof(TContext), null,
                () => sp.GetRequiredService<ReloadablePolicy<TContext>>(), () => sp.GetService<ReviewGate<TContext>>()?.Cases));
        }
        else
        {
            services.AddKeyedSingleton(name, (sp, _) => Activate(sp, name, optionsName, schema, state));
            services.AddKeyedSingleton<IEscalationPolicy<TContext>>(name, (sp, key) => sp.GetRequiredKeyedService<ReloadablePolicy<TContext>>(key));
            services.AddSingleton(sp => new HitlPolicyStatus(typeof(TContext), name,
                () => sp.GetRequiredKeyedService<ReloadablePolicy<TContext>>(name), () => sp.GetKeyedService<ReviewGate<TContext>>(name)?.Cases));
        }

        return new HitlPolicyBuilder<TContext>(services, name, optionsName, configuration);
    }

    private static ReloadablePolicy<TContext> Activate<TContext>(
        IServiceProvider services, string? name, string optionsName, Func<PolicyDefinition, SignalSchema<TContext>> schema, PolicyActivationState state)
    {
        var monitor = services.GetRequiredService<IOptionsMonitor<HitlPolicyOptions>>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Reload") ?? (ILogger)Logging.Abstractions.NullLogger.Instance;
        var audit = HitlPolicyBuilder<TContext>.Find<IAuditStore>(services, name);
        var time = services.GetRequiredService<TimeProvider>();
        var options = monitor.Get(optionsName);
        var definition = PolicySource.Load(options, out var errors) ?? throw new PolicyValidationException(errors);
        var routers = name is null ? services.GetService<WrittenRouters<TContext>>() : services.GetKeyedService<WrittenRouters<TContext>>(name);
        var policy = new ReloadablePolicy<TContext>(
            definition, schema(definition), services.GetRequiredService<KillSwitch>(), options.SamplingKey, routers?.Create);
        state.Started = true;
        var reloader = new PolicyReloader<TContext>(policy, schema, logger, audit, time);
        reloader.Activated(policy.PolicyId, policy.PolicyVersion, policy.PolicyHash);
        var watcher = new PolicyFileWatcher(() => reloader.Reload(() => monitor.Get(optionsName)), reloader.Failed);
        watcher.Watch(options.WatchPolicyFile ? options.PolicyPath : null);
        var subscription = monitor.OnChange((changed, changedName) =>
        {
            if (string.Equals(changedName, optionsName, StringComparison.Ordinal))
            {
                watcher.Watch(changed.WatchPolicyFile ? changed.PolicyPath : null);
                reloader.Reload(changed);
            }
        });
        policy.Subscription = new Subscriptions(subscription, watcher);
        return policy;
    }

    private static T Required<T>(T value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value, name);
        return value;
    }

    private static string RequiredName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }

    private sealed class Subscriptions(IDisposable? options, IDisposable file) : IDisposable
    {
        public void Dispose()
        {
            options?.Dispose();
            file.Dispose();
        }
    }
}
