using Hitl.Policy;
using Hitl.Policy.DependencyInjection;
using Hitl.Policy.Feedback;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds a live shadow (<see cref="LiveShadow{TContext}"/>) to a policy read with the ready-made <see cref="Signals"/>
/// context: the candidate's host fields come from its own definition's <c>fields</c>, as the active policy's do.
/// </summary>
public static class ShadowPolicyBuilderExtensions
{
    /// <summary>Runs a candidate policy beside this one on live traffic, configured in code (see <see cref="ShadowPolicyOptions"/>).</summary>
    /// <param name="builder">The builder <c>AddHitlPolicy</c> returned.</param>
    /// <param name="configure">Sets the candidate and how differences are kept.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A shadow of this policy is already added.</exception>
    public static HitlPolicyBuilder<Signals> AddShadowPolicy(this HitlPolicyBuilder<Signals> builder, Action<ShadowPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddShadowPolicy(configure, Signals.SchemaFor);
    }

    /// <summary>Runs a candidate policy beside this one on live traffic, its settings bound from configuration (see <see cref="ShadowPolicyOptions"/>).</summary>
    /// <param name="builder">The builder <c>AddHitlPolicy</c> returned.</param>
    /// <param name="configuration">The section with <c>PolicyPath</c> or <c>PolicyJson</c>, <c>SampleRate</c>, <c>RecordPath</c>, <c>Capacity</c> and <c>FlushInterval</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A shadow of this policy is already added.</exception>
    public static HitlPolicyBuilder<Signals> AddShadowPolicy(this HitlPolicyBuilder<Signals> builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddShadowPolicy(configuration, Signals.SchemaFor);
    }
}
