using System.Diagnostics.Metrics;
using System.Globalization;
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

/// <summary>Adds a Hitl policy, its review gate and the audited kill switch to a service collection.</summary>
public static class HitlPolicyServiceCollectionExtensions
{
    /// <summary>
    /// Adds a policy read with the ready-made <see cref="Signals"/> context (its host fields come from the policy's
    /// <c>fields</c>), configured in code.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the policy source and the gate's settings.</param>
    /// <returns>A builder for sinks, handlers and stores.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, Action<HitlPolicyOptions> configure) =>
        services.AddHitlPolicy(configure, Signals.SchemaFor);

    /// <summary>Adds a policy read with the ready-made <see cref="Signals"/> context, bound from configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section with <c>PolicyPath</c> or <c>PolicyJson</c>, and <c>Gate</c>.</param>
    /// <returns>A builder for sinks, handlers and stores.</returns>
    public static HitlPolicyBuilder<Signals> AddHitlPolicy(this IServiceCollection services, IConfiguration configuration) =>
        services.AddHitlPolicy(configuration, Signals.SchemaFor);

    /// <summary>Adds a policy for the host's own context type, configured in code.</summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the policy source and the gate's settings.</param>
    /// <param name="schema">Gives the signal schema for a policy definition (most hosts ignore the argument).</param>
    /// <returns>A builder for sinks, handlers and stores.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, Action<HitlPolicyOptions> configure, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services, schema);
        services.Configure(builder.OptionsName, configure);
        return builder;
    }

    /// <summary>
    /// Adds a policy for the host's own context type, bound from configuration: <c>PolicyPath</c> (with
    /// <c>WatchPolicyFile</c>) or <c>PolicyJson</c>, and the section <c>Gate</c> (<c>ReviewerRole</c>, <c>OperatorRole</c>, <c>OverrideTier</c>,
    /// <c>ContestReviewDeadline</c>, <c>SweepInterval</c>, <c>ClosedCaseRetention</c>, and per action type
    /// <c>Actions:{type}:Weaknesses</c> and <c>Actions:{type}:WithholdSuggestion</c>). When the configuration
    /// reloads, the policy is compiled again and swapped in; a policy that does not compile is logged and the last
    /// good one stays. An edit of the policy file itself reloads it the same way.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <param name="schema">Gives the signal schema for a policy definition.</param>
    /// <returns>A builder for sinks, handlers and stores.</returns>
    public static HitlPolicyBuilder<TContext> AddHitlPolicy<TContext>(
        this IServiceCollection services, IConfiguration configuration, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services, schema);
        services.Configure<HitlPolicyOptions>(builder.OptionsName, o => Bind(configuration, o));
        services.AddSingleton<IOptionsChangeTokenSource<HitlPolicyOptions>>(new ConfigurationChangeTokenSource<HitlPolicyOptions>(builder.OptionsName, configuration));
        return builder;
    }

    private static HitlPolicyBuilder<TContext> AddCore<TContext>(IServiceCollection services, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(schema);
        var name = "Hitl.Policy:" + typeof(TContext).FullName;
        var state = new PolicyActivationState();
        services.AddOptions<HitlPolicyOptions>(name).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HitlPolicyOptions>>(new HitlPolicyOptionsValidator<TContext>(name, schema, state));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KillSwitch>();
        services.TryAddSingleton(sp => new GateMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => Activate(sp, name, schema, state));
        services.TryAddSingleton<IEscalationPolicy<TContext>>(sp => sp.GetRequiredService<ReloadablePolicy<TContext>>());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<HitlPolicyOptions>>().Get(name);
            return new ReviewGate<TContext>(
                sp.GetRequiredService<ReloadablePolicy<TContext>>(),
                Required<IAuditStore>(sp, "AddAuditStore"),
                Required<IReviewSink>(sp, "AddReviewSink"),
                Required<IReviewerDirectory>(sp, "AddReviewerDirectory"),
                options.Gate,
                sp.GetService<INotificationSink>(),
                sp.GetServices<EscalationHandlerRegistration>(),
                sp.GetService<ICompensationHook>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Review.ReviewGate"),
                sp.GetRequiredService<GateMetrics>());
        });
        services.TryAddSingleton(sp => new AuditedKillSwitch(
            sp.GetRequiredService<KillSwitch>(),
            Required<IAuditStore>(sp, "AddAuditStore"),
            Required<IReviewerDirectory>(sp, "AddReviewerDirectory"),
            sp.GetRequiredService<IOptionsMonitor<HitlPolicyOptions>>().Get(name).Gate,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Review.KillSwitch")));
        return new HitlPolicyBuilder<TContext>(services, name);
    }

    private static ReloadablePolicy<TContext> Activate<TContext>(
        IServiceProvider services, string name, Func<PolicyDefinition, SignalSchema<TContext>> schema, PolicyActivationState state)
    {
        var monitor = services.GetRequiredService<IOptionsMonitor<HitlPolicyOptions>>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Reload") ?? (ILogger)Logging.Abstractions.NullLogger.Instance;
        var audit = services.GetService<IAuditStore>();
        var time = services.GetRequiredService<TimeProvider>();
        var options = monitor.Get(name);
        var definition = PolicySource.Load(options, out var errors) ?? throw new PolicyValidationException(errors);
        var policy = new ReloadablePolicy<TContext>(definition, schema(definition), services.GetRequiredService<KillSwitch>());
        state.Started = true;
        var reloader = new PolicyReloader<TContext>(policy, schema, logger, audit, time);
        reloader.Activated(policy.PolicyId, policy.PolicyVersion, policy.PolicyHash);
        var watcher = new PolicyFileWatcher(() => reloader.Reload(monitor.Get(name)));
        watcher.Watch(options.WatchPolicyFile ? options.PolicyPath : null);
        var subscription = monitor.OnChange((changed, changedName) =>
        {
            if (string.Equals(changedName, name, StringComparison.Ordinal))
            {
                watcher.Watch(changed.WatchPolicyFile ? changed.PolicyPath : null);
                reloader.Reload(changed);
            }
        });
        policy.Subscription = new Subscriptions(subscription, watcher);
        return policy;
    }

    private static T Required<T>(IServiceProvider services, string method)
        where T : class =>
        services.GetService<T>() ?? throw new InvalidOperationException(
            $"No {typeof(T).Name} is registered; call {method}(...) on the builder that AddHitlPolicy returns.");

    private static void Bind(IConfiguration configuration, HitlPolicyOptions options)
    {
        options.PolicyPath = configuration["PolicyPath"] ?? options.PolicyPath;
        options.PolicyJson = configuration["PolicyJson"] ?? options.PolicyJson;
        options.WatchPolicyFile = bool.TryParse(configuration["WatchPolicyFile"], out var watch) ? watch : options.WatchPolicyFile;
        var gate = configuration.GetSection("Gate");
        var o = options.Gate;
        o.ReviewerRole = gate["ReviewerRole"] ?? o.ReviewerRole;
        o.OperatorRole = gate["OperatorRole"] ?? o.OperatorRole;
        o.OverrideTier = gate["OverrideTier"] ?? o.OverrideTier;
        o.ContestReviewDeadline = Span(gate, "ContestReviewDeadline") ?? o.ContestReviewDeadline;
        o.SweepInterval = Span(gate, "SweepInterval") ?? o.SweepInterval;
        o.ClosedCaseRetention = Span(gate, "ClosedCaseRetention") ?? o.ClosedCaseRetention;
        foreach (var action in gate.GetSection("Actions").GetChildren())
        {
            var settings = new ActionReviewOptions
            {
                Weaknesses = action["Weaknesses"],
                WithholdSuggestion = bool.TryParse(action["WithholdSuggestion"], out var withhold) && withhold,
            };
            if (string.Equals(action.Key, "*", StringComparison.Ordinal))
            {
                o.Defaults = settings;
            }
            else
            {
                o.Actions[action.Key] = settings;
            }
        }
    }

    private sealed class Subscriptions(IDisposable? options, IDisposable file) : IDisposable
    {
        public void Dispose()
        {
            options?.Dispose();
            file.Dispose();
        }
    }

    private static TimeSpan? Span(IConfiguration section, string key) =>
        section[key] is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}
