namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Marks one <c>AddHitlPolicy</c> call in the service collection, so that a second policy of the same context type and
/// name is refused at registration instead of silently replacing the first.
/// </summary>
/// <param name="ContextType">The host's context type.</param>
/// <param name="Name">The policy's name (its service key), or <see langword="null"/> for the default policy of the type.</param>
internal sealed record HitlPolicyRegistration(Type ContextType, string? Name)
{
    /// <summary>The name of the <see cref="HitlPolicyOptions"/> and <see cref="Review.ReviewGateOptions"/> instances of this policy.</summary>
    public string OptionsName => "Hitl.Policy:" + ContextType.FullName + (Name is null ? "" : "/" + Name);
}
