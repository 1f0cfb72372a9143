using System.Diagnostics.CodeAnalysis;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Registers the host's sinks, handlers and stores for the policy that <c>AddHitlPolicy</c> added.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
public sealed class HitlPolicyBuilder<TContext>
{
    internal HitlPolicyBuilder(IServiceCollection services, string optionsName)
    {
        Services = services;
        OptionsName = optionsName;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The name of the <see cref="HitlPolicyOptions"/> instance this policy reads.</summary>
    public string OptionsName { get; }

    /// <summary>Registers the audit store (required).</summary>
    /// <param name="store">The store.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddAuditStore(IAuditStore store) => Replace(store);

    /// <summary>Registers the audit store type (required), as a singleton.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddAuditStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>()
        where TStore : class, IAuditStore => Replace<IAuditStore, TStore>();

    /// <summary>Registers the review sink (required).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewSink(IReviewSink sink) => Replace(sink);

    /// <summary>Registers the review sink type (required), as a singleton.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>()
        where TSink : class, IReviewSink => Replace<IReviewSink, TSink>();

    /// <summary>Registers the reviewer directory (required).</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewerDirectory(IReviewerDirectory directory) => Replace(directory);

    /// <summary>Registers the reviewer directory type (required), as a singleton.</summary>
    /// <typeparam name="TDirectory">The directory type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddReviewerDirectory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDirectory>()
        where TDirectory : class, IReviewerDirectory => Replace<IReviewerDirectory, TDirectory>();

    /// <summary>Registers the notification sink (optional: without one, notice-only actions go to review).</summary>
    /// <param name="sink">The sink.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddNotificationSink(INotificationSink sink) => Replace(sink);

    /// <summary>Registers the notification sink type, as a singleton.</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddNotificationSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>()
        where TSink : class, INotificationSink => Replace<INotificationSink, TSink>();

    /// <summary>Registers the compensation hook (optional: without one, reversal is refused).</summary>
    /// <param name="hook">The hook.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCompensationHook(ICompensationHook hook) => Replace(hook);

    /// <summary>Registers the compensation hook type, as a singleton.</summary>
    /// <typeparam name="THook">The hook type.</typeparam>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddCompensationHook<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THook>()
        where THook : class, ICompensationHook => Replace<ICompensationHook, THook>();

    /// <summary>Adds an escalation handler to the chain (handlers run in the order they were added).</summary>
    /// <param name="handler">The handler.</param>
    /// <param name="tier">The tier it handles, or <see langword="null"/> for all.</param>
    /// <param name="actionType">The action type it handles, or <see langword="null"/> for all.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> AddEscalationHandler(IEscalationHandler handler, string? tier = null, string? actionType = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Services.AddSingleton(new EscalationHandlerRegistration(handler, tier, actionType));
        return this;
    }

    /// <summary>Changes the review gate's settings (after configuration binding).</summary>
    /// <param name="configure">The change.</param>
    /// <returns>This builder.</returns>
    public HitlPolicyBuilder<TContext> ConfigureGate(Action<ReviewGateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<HitlPolicyOptions>(OptionsName, o => configure(o.Gate));
        return this;
    }

    private HitlPolicyBuilder<TContext> Replace<TService>(TService instance)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        Services.Replace(ServiceDescriptor.Singleton(instance));
        return this;
    }

    private HitlPolicyBuilder<TContext> Replace<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>()
        where TService : class
        where TImplementation : class, TService
    {
        Services.Replace(ServiceDescriptor.Singleton<TService, TImplementation>());
        return this;
    }
}
