using Hitl.Policy.AspNetCore.Inbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.AspNetCore;

/// <summary>Registers the reviewer inbox's services.</summary>
public static class HitlInboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the reviewer inbox needs: its settings (checked at start), anti-forgery, and server-side rendering of
    /// its pages. The gate comes from the Hitl policy's registration (<c>AddHitlPolicy(...).AddReviewGate()</c>); map
    /// the pages with <c>app.MapHitlInbox("/review")</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the settings; optional.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddHitlInbox(this IServiceCollection services, Action<HitlInboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<HitlInboxOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HitlInboxOptions>, HitlInboxOptionsValidator>());
        services.AddAntiforgery();
        services.AddRazorComponents();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InboxServices>();
        return services;
    }
}
