using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Hitl.Policy.Audit;
using Hitl.Policy.Definition;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Hitl.Policy.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Adds the review gate of the policy that <c>AddHitlPolicy</c> added, and registers its parts: audit store, review
/// sink, reviewer directory (required once the gate is added; a missing one stops the start), notification sink,
/// compensation hook and escalation handlers. Each part can be given as an instance, a type (made by the container)
/// or a factory (run at first use, so registering opens nothing).
/// </summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
/// <remarks>
/// For the default policy (no name) the parts are plain services. For a named policy they are keyed services under
/// the policy's name; a part the named policy lacks is taken from the plain services, so one audit store registered
/// once can serve every gate. Escalation handlers are not shared: each gate runs the handlers of its own builder.
/// </remarks>
public sealed class HitlPolicyBuilder<TContext>
{
    private readonly IConfiguration? _configuration;
    private bool _gateAdded;
    private bool _shadowAdded;

    internal HitlPolicyBuilder(IServiceCollection services, string? name, string optionsName, IConfiguration? configuration)
    {
        Services = services;
        Name = name;
        OptionsName = optionsName;
        _configuration = configuration;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The policy's name, the key of its keyed services; <see langword="null"/> for the default policy.</summary>
    public string? Name { get; }

    /// <summary>
    /// The name of this policy's <see cref="HitlPolicyOptions"/> and <see cref="ReviewGateOptions"/> instances, for
    /// <c>IOptionsMonitor&lt;T&gt;.Get(name)</c> and <c>services.Configure&lt;T&gt;(name, ...)</c>.
    /// </summary>
    public string OptionsName { get; }

    /// <summary>
    /// Routes the policy through a router written for it (<see cref="CompiledPolicy{TContext}.WriteRouterSource"/>): the
    /// policy at start and each reload are compiled with a new router from <paramref name="factory"/>, which routes every
    /// version it was written for; any other version routes through the interpreter with the same decisions
    /// (<c>ReloadablePolicy&lt;TContext&gt;.Current.IsPrecompiled</c> tells which).
    /// </summary>
    /// <param name="factory">Creates a new router, for example <c>() =&gt; new RefundsRouter()</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">A router is already set for this policy.</exception>
    public HitlPolicyBuilder<TContext> UseWrittenRouter(Func<PolicyRouter<TContext>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (Services.Any(d => d.ServiceType == typeof(WrittenRouters<TContext>) && Equals(d.ServiceKey, Name)))
        {
            throw new InvalidOperationException($"A written router is already set for {Describe()}.");
        }

        if (Name is null)
        {
            Services.AddSingleton(new WrittenRouters<TContext>(factory));
        }
        else
        {
            Services.AddKeyedSingleton(Name, new WrittenRouters<TContext>(factory));
        }

        return this;
    }

    /// <summary>
    /// Adds the review gate (<see cref="ReviewGate{TContext}"/>, also registered as <see cref="IReviewGate"/>) and the audited
    /// kill switch (<see cref="AuditedKillSwitch"/>) for this policy. Their settings are bound from the section <c>Gate</c> of the policy's configuration (when it was
    /// added from configuration), then changed by <paramref name="configure"/>, and checked at start together with the
    /// parts the gate needs.
    /// </summary>
    /// <param name="configure">Changes the settings after binding; optional.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">The gate of this policy is already added.</exception>
    public HitlPolicyBuilder<TContext> AddReviewGate(Action<ReviewGateOptions>? configure = null)
    {
        if (_gateAdded)
        {
            throw new InvalidOperationException($"The review gate of {Describe()} is already added; change its settings with ConfigureGate(...).");
        }

        _gateAdded = true;
        var options = Services.AddOptions<ReviewGateOptions>(OptionsName);
        if (_configuration is not null)
        {
            var section = _configuration.GetSection("Gate");
            options.Configure(o => HitlConfiguration.BindGate(section, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        var optionsName = OptionsName;
        var name = Name;
        Services.AddSingleton<IValidateOptions<ReviewGateOptions>>(new ReviewGateOptionsValidator(optionsName));
        Services.AddSingleton<IValidateOptions<ReviewGateOptions>>(sp =>
            new ReviewGatePartsValidator(optionsName, name, sp.GetRequiredService<IServiceProviderIsService>()));
        Register(sp => CreateGate(sp, name, optionsName));
        Register<IReviewGate>(sp => name is null ? sp.GetRequiredService<ReviewGate<TContext>>() : sp.GetRequiredKeyedService<ReviewGate<TContext>>(name));
        Register(sp => new AuditedKillSwitch(
            sp.GetRequiredService<KillSwitch>(),
            Need<IAuditStore>(sp, name, "AddAuditStore"),
            Need<IReviewerDirectory>(sp, name, "AddReviewerDirectory"),
            sp.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>().Get(optionsName),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Review.KillSwitch")));
        return this;
    }

    /// <summary>Changes the review gate's settings (after configuration binding and <see cref="AddReviewGate"/>'s change).</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> ConfigureGate(Action<ReviewGateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(OptionsName, configure);
        return this;
    }

    /// <summary>
    /// Registers the case store the gate keeps its cases in, and its trail as the audit store (a case change and its
    /// records commit together). Without one the gate keeps cases in an <see cref="InMemoryCaseStore"/> over the audit
    /// store. Packages add their own: <c>UseSqlite(...)</c> in <c>Hitl.Policy.Sqlite</c>.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCaseStore(ICaseStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return AddCaseStore(_ => store);
    }

    /// <summary>
    /// Registers the case store made at first use by <paramref name="factory"/> (registering opens nothing), and its
    /// trail as the audit store.
    /// </summary>
    /// <param name="factory">Makes the store.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCaseStore(Func<IServiceProvider, ICaseStore> factory)
    {
        Register(Checked(factory));
        var name = Name;
        return Register<IAuditStore>(sp => Need<ICaseStore>(sp, name, "AddCaseStore").Audit);
    }

    /// <summary>Registers the audit store (required by the gate).</summary>
    /// <param name="store">The store.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddAuditStore(IAuditStore store) => RegisterInstance(store);

    /// <summary>Registers the audit store made at first use by <paramref name="factory"/> (registering opens nothing).</summary>
    /// <param name="factory">Makes the store.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddAuditStore(Func<IServiceProvider, IAuditStore> factory) => Register(Checked(factory));

    /// <summary>Registers the audit store type, made by the container at first use.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddAuditStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>()
        where TStore : class, IAuditStore => RegisterType<IAuditStore, TStore>();

    /// <summary>
    /// Registers a <see cref="JsonLinesAuditStore"/> on this file as the audit store. The file is opened at first use,
    /// not here; its options are checked at start.
    /// </summary>
    /// <param name="path">The trail file.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddJsonLinesAuditStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return AddJsonLinesAuditStore(o => o.Path = path);
    }

    /// <summary>
    /// Registers a <see cref="JsonLinesAuditStore"/> as the audit store, with options set by <paramref name="configure"/>
    /// (bind them from configuration with <c>Services.Configure&lt;JsonLinesAuditStoreOptions&gt;(OptionsName, ...)</c>
    /// if you prefer). The file is opened at first use, not here; the options are checked at start.
    /// </summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddJsonLinesAuditStore(Action<JsonLinesAuditStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var optionsName = OptionsName;
        Services.AddOptions<JsonLinesAuditStoreOptions>(optionsName).Configure(configure).ValidateOnStart();
        Services.AddSingleton<IValidateOptions<JsonLinesAuditStoreOptions>>(new JsonLinesAuditStoreOptionsValidator(optionsName));
        return Register<IAuditStore>(sp => JsonLinesAuditStore.Open(sp.GetRequiredService<IOptionsMonitor<JsonLinesAuditStoreOptions>>().Get(optionsName), sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Registers the review sink (required by the gate).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewSink(IReviewSink sink) => RegisterInstance(sink);

    /// <summary>Registers the review sink made at first use by <paramref name="factory"/>.</summary>
    /// <param name="factory">Makes the sink.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewSink(Func<IServiceProvider, IReviewSink> factory) => Register(Checked(factory));

    /// <summary>Registers the review sink type, made by the container at first use.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>()
        where TSink : class, IReviewSink => RegisterType<IReviewSink, TSink>();

    /// <summary>Registers the reviewer directory (required by the gate).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewerDirectory(IReviewerDirectory directory) => RegisterInstance(directory);

    /// <summary>Registers the reviewer directory made at first use by <paramref name="factory"/>.</summary>
    /// <param name="factory">Makes the directory.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewerDirectory(Func<IServiceProvider, IReviewerDirectory> factory) => Register(Checked(factory));

    /// <summary>Registers the reviewer directory type, made by the container at first use.</summary>
    /// <typeparam name="TDirectory">The directory type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewerDirectory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDirectory>()
        where TDirectory : class, IReviewerDirectory => RegisterType<IReviewerDirectory, TDirectory>();

    /// <summary>Registers the notification sink (optional: without one, notice-only actions go to review).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddNotificationSink(INotificationSink sink) => RegisterInstance(sink);

    /// <summary>Registers the notification sink type, made by the container at first use.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddNotificationSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>()
        where TSink : class, INotificationSink => RegisterType<INotificationSink, TSink>();

    /// <summary>Registers the compensation hook (optional: without one, reversal is refused).</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCompensationHook(ICompensationHook hook) => RegisterInstance(hook);

    /// <summary>Registers the compensation hook type, made by the container at first use.</summary>
    /// <typeparam name="THook">The hook type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCompensationHook<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THook>()
        where THook : class, ICompensationHook => RegisterType<ICompensationHook, THook>();

    /// <summary>Adds an escalation handler to this gate's chain (handlers run in the order they were added).</summary>
    /// <param name="handler">The handler.</param>
    /// <param name="tier">The tier it handles, or <see langword="null"/> for all.</param>
    /// <param name="actionType">The action type it handles, or <see langword="null"/> for all.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddEscalationHandler(IEscalationHandler handler, string? tier = null, string? actionType = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var registration = new EscalationHandlerRegistration(handler, tier, actionType);
        Services.Add(Name is null
            ? ServiceDescriptor.Singleton(registration)
            : ServiceDescriptor.KeyedSingleton(Name, registration));
        return this;
    }

    /// <summary>
    /// Declares a segment of this policy's review gate: a group every case is put in for oversight, read from its context
    /// (see <see cref="ReviewGateBuilder{TContext}.SegmentBy"/>).
    /// </summary>
    /// <param name="name">The segment's name: 1 to 64 letters, digits, <c>.</c>, <c>-</c> or <c>_</c>.</param>
    /// <param name="value">Reads the value from a context.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    public HitlPolicyBuilder<TContext> SegmentBy(string name, Func<TContext, string?> value)
    {
        CaseSegments.CheckedName(name);
        ArgumentNullException.ThrowIfNull(value);
        var reader = new SegmentReader<TContext>(name, value);
        Services.Add(Name is null ? ServiceDescriptor.Singleton(reader) : ServiceDescriptor.KeyedSingleton(Name, reader));
        return this;
    }

    /// <summary>
    /// Runs a candidate policy beside this one on live traffic (a <see cref="LiveShadow{TContext}"/>): the policy's
    /// <see cref="IEscalationPolicy{TContext}"/> (and the policy its review gate routes with) becomes the shadow, which
    /// returns this policy's decisions unchanged, compares the candidate's, counts them (metric
    /// <see cref="HitlTelemetry.ShadowDecisions"/>) and records a sampled share of the differences. Resolve the shadow
    /// itself as <see cref="LiveShadow{TContext}"/> (keyed by the policy's name for a named policy). Its settings are
    /// checked at start; a candidate that does not compile stops the start with its errors. For the <see cref="Signals"/>
    /// context, <c>AddShadowPolicy(configure)</c> without a schema reads the candidate's host fields from its definition.
    /// </summary>
    /// <param name="configure">Sets the candidate and how differences are kept.</param>
    /// <param name="schema">Gives the signal schema for the candidate's definition (most hosts ignore the argument).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">A shadow of this policy is already added.</exception>
    public HitlPolicyBuilder<TContext> AddShadowPolicy(Action<ShadowPolicyOptions> configure, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddShadow(null, configure, schema);
    }

    /// <summary>
    /// Runs a candidate policy beside this one on live traffic, its settings bound from configuration: <c>PolicyPath</c>
    /// or <c>PolicyJson</c>, <c>SampleRate</c>, <c>RecordPath</c>, <c>Capacity</c>, <c>FlushInterval</c> (see
    /// <see cref="ShadowPolicyOptions"/>); a value that cannot be read, or a key that is not a setting, is named at start.
    /// See <see cref="AddShadowPolicy(Action{ShadowPolicyOptions}, Func{PolicyDefinition, SignalSchema{TContext}})"/>.
    /// </summary>
    /// <param name="configuration">The section, for example <c>configuration.GetSection("Hitl:Shadow")</c>.</param>
    /// <param name="schema">Gives the signal schema for the candidate's definition.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="InvalidOperationException">A shadow of this policy is already added.</exception>
    public HitlPolicyBuilder<TContext> AddShadowPolicy(IConfiguration configuration, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddShadow(configuration, null, schema);
    }

    /// <summary>This policy's part: its keyed service for a named policy, else the plain service.</summary>
    internal static T? Find<T>(IServiceProvider services, string? name)
        where T : class =>
        (name is null ? null : services.GetKeyedService<T>(name)) ?? services.GetService<T>();

    private static T Need<T>(IServiceProvider services, string? name, string method)
        where T : class =>
        Find<T>(services, name) ?? throw new InvalidOperationException(
            $"No {typeof(T).Name} is registered for {(name is null ? "the default Hitl policy" : $"the Hitl policy '{name}'")}; call {method}(...) on the builder that AddHitlPolicy returns.");

    private static ReviewGate<TContext> CreateGate(IServiceProvider sp, string? name, string optionsName)
    {
        var policy = name is null
            ? sp.GetRequiredService<ReloadablePolicy<TContext>>()
            : sp.GetRequiredKeyedService<ReloadablePolicy<TContext>>(name);

        // With a live shadow the gate routes through it (the same decisions), under the policy's own kill switch.
        var shadow = name is null ? sp.GetService<LiveShadow<TContext>>() : sp.GetKeyedService<LiveShadow<TContext>>(name);
        var builder = new ReviewGateBuilder<TContext>(shadow ?? (IEscalationPolicy<TContext>)policy);
        if (shadow is not null)
        {
            builder.UseKillSwitch(policy.KillSwitch);
        }

        if (Find<ICaseStore>(sp, name) is { } cases)
        {
            builder.UseCaseStore(cases);
        }
        else
        {
            builder.AddAuditStore(Need<IAuditStore>(sp, name, "AddAuditStore"));
        }

        builder
            .AddReviewSink(Need<IReviewSink>(sp, name, "AddReviewSink"))
            .AddReviewerDirectory(Need<IReviewerDirectory>(sp, name, "AddReviewerDirectory"))
            .AddEscalationHandlers(name is null ? sp.GetServices<EscalationHandlerRegistration>() : sp.GetKeyedServices<EscalationHandlerRegistration>(name))
            .AddSegments(name is null ? sp.GetServices<SegmentReader<TContext>>() : sp.GetKeyedServices<SegmentReader<TContext>>(name))
            .UseOptions(sp.GetRequiredService<IOptionsMonitor<ReviewGateOptions>>().Get(optionsName))
            .UseTimeProvider(sp.GetRequiredService<TimeProvider>())
            .UseMetrics(sp.GetRequiredService<GateMetrics>());
        if (Find<INotificationSink>(sp, name) is { } notifications)
        {
            builder.AddNotificationSink(notifications);
        }

        if (Find<ICompensationHook>(sp, name) is { } compensation)
        {
            builder.AddCompensationHook(compensation);
        }

        if (sp.GetService<ILoggerFactory>() is { } loggers)
        {
            builder.UseLoggerFactory(loggers);
        }

        return builder.Build();
    }

    private static LiveShadow<TContext> CreateShadow(IServiceProvider sp, string? name, string optionsName, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        var active = name is null
            ? sp.GetRequiredService<ReloadablePolicy<TContext>>()
            : sp.GetRequiredKeyedService<ReloadablePolicy<TContext>>(name);

        // Reading the options runs their validation: a candidate that does not compile stops here with its errors.
        var options = sp.GetRequiredService<IOptionsMonitor<ShadowPolicyOptions>>().Get(optionsName);
        var errors = ShadowPolicyOptionsValidator<TContext>.Compile(options, schema, out var definition);
        if (definition is null)
        {
            throw new InvalidOperationException(
                ShadowPolicyOptionsValidator<TContext>.Prefix(name) + string.Join("; ", errors), new PolicyValidationException(errors));
        }

        var candidate = PolicyCompiler.Compile(definition, schema(definition), active.KillSwitch, active.SamplingKey);
        return new LiveShadow<TContext>(active, candidate, options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ShadowMetrics>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger("Hitl.Policy.Shadow"));
    }

    private HitlPolicyBuilder<TContext> AddShadow(IConfiguration? configuration, Action<ShadowPolicyOptions>? configure, Func<PolicyDefinition, SignalSchema<TContext>> schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (_shadowAdded)
        {
            throw new InvalidOperationException($"The shadow policy of {Describe()} is already added; one candidate runs beside a policy at a time.");
        }

        _shadowAdded = true;
        var optionsName = OptionsName;
        var name = Name;
        var options = Services.AddOptions<ShadowPolicyOptions>(optionsName);
        if (configuration is not null)
        {
            options.Configure(o => ShadowConfiguration.Bind(configuration, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        Services.AddSingleton<IValidateOptions<ShadowPolicyOptions>>(new ShadowPolicyOptionsValidator<TContext>(optionsName, name, schema));
        Services.TryAddSingleton(sp => new ShadowMetrics(sp.GetService<IMeterFactory>()));
        Register(sp => CreateShadow(sp, name, optionsName, schema));
        return Register<IEscalationPolicy<TContext>>(sp => name is null ? sp.GetRequiredService<LiveShadow<TContext>>() : sp.GetRequiredKeyedService<LiveShadow<TContext>>(name));
    }

    private string Describe() => Name is null ? $"the default Hitl policy for {typeof(TContext).Name}" : $"the Hitl policy '{Name}'";

    private static Func<IServiceProvider, T> Checked<T>(Func<IServiceProvider, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return sp => factory(sp) ?? throw new InvalidOperationException($"The factory registered for {typeof(T).Name} returned null.");
    }

    private HitlPolicyBuilder<TContext> RegisterInstance<TService>(TService instance)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        return Replace(Name is null
            ? ServiceDescriptor.Singleton(instance)
            : ServiceDescriptor.KeyedSingleton(Name, instance));
    }

    private HitlPolicyBuilder<TContext> Register<TService>(Func<IServiceProvider, TService> factory)
        where TService : class =>
        Replace(Name is null
            ? ServiceDescriptor.Singleton(factory)
            : ServiceDescriptor.KeyedSingleton<TService>(Name, (sp, _) => factory(sp)));

    private HitlPolicyBuilder<TContext> RegisterType<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>()
        where TService : class
        where TImplementation : class, TService =>
        Replace(Name is null
            ? ServiceDescriptor.Singleton<TService, TImplementation>()
            : ServiceDescriptor.KeyedSingleton<TService, TImplementation>(Name));

    /// <summary>One part per service type and key: a second registration replaces the first.</summary>
    private HitlPolicyBuilder<TContext> Replace(ServiceDescriptor descriptor)
    {
        Services.RemoveAllKeyed(descriptor.ServiceType, descriptor.ServiceKey);
        Services.Add(descriptor);
        return this;
    }
}

/// <summary>The factory of written routers of one policy (<see cref="HitlPolicyBuilder{TContext}.UseWrittenRouter"/>).</summary>
internal sealed class WrittenRouters<TContext>(Func<PolicyRouter<TContext>> create)
{
    public Func<PolicyRouter<TContext>> Create => create;
}
