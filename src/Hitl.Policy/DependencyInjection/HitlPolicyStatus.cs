using Hitl.Policy.Review;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// The live state of one policy added with <c>AddHitlPolicy</c>: which policy is active, how its last reload went, and
/// the case store of its review gate. One per policy, resolved as <c>IEnumerable&lt;HitlPolicyStatus&gt;</c>; health
/// checks (<c>AddHitlChecks()</c> in Hitl.Policy.AspNetCore) and dashboards read it. Reading it resolves the policy
/// (and the gate, for <see cref="CaseStore"/>) the first time.
/// </summary>
public sealed class HitlPolicyStatus
{
    private readonly Func<IPolicyState> _policy;
    private readonly Func<ICaseStore?> _store;

    internal HitlPolicyStatus(Type contextType, string? name, Func<IPolicyState> policy, Func<ICaseStore?> store)
    {
        ContextType = contextType;
        Name = name;
        _policy = policy;
        _store = store;
    }

    /// <summary>The policy's name, or <see langword="null"/> for the default policy of its context type.</summary>
    public string? Name { get; }

    /// <summary>The context type the policy reads.</summary>
    public Type ContextType { get; }

    /// <summary>The active policy's id.</summary>
    public string PolicyId => _policy().PolicyId;

    /// <summary>The active policy's version.</summary>
    public string PolicyVersion => _policy().PolicyVersion;

    /// <summary>The SHA-256 digest (hex) of the active policy's definition.</summary>
    public string PolicyHash => _policy().PolicyHash;

    /// <summary>The last reload since start (a configuration or policy-file change), or <see langword="null"/> when none happened.</summary>
    public PolicyReload? LastReload => _policy().LastReload;

    /// <summary>The case store of the policy's review gate, or <see langword="null"/> when the policy has no gate (<c>AddReviewGate()</c> not called).</summary>
    public ICaseStore? CaseStore => _store();

    /// <summary>A short description for messages: the context type and the name.</summary>
    /// <returns>For example <c>Signals 'loans'</c>, or <c>Signals (default)</c>.</returns>
    public override string ToString() => Name is null ? $"{ContextType.Name} (default)" : $"{ContextType.Name} '{Name}'";
}

/// <summary>One reload of a policy: when, whether the new policy became active, and every error when it did not.</summary>
/// <param name="At">When the reload ran, by the host's <see cref="TimeProvider"/>.</param>
/// <param name="Succeeded">Whether the new policy is active; when not, the policy before it stays active.</param>
/// <param name="Errors">Every error of a rejected reload; empty when it succeeded.</param>
public sealed record PolicyReload(DateTimeOffset At, bool Succeeded, IReadOnlyList<PolicyError> Errors);

/// <summary>What a policy holder tells about its active policy, whatever its context type.</summary>
internal interface IPolicyState
{
    string PolicyId { get; }

    string PolicyVersion { get; }

    string PolicyHash { get; }

    PolicyReload? LastReload { get; }
}
