using Hitl.Policy.Definition;
using Hitl.Policy.Review;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Where the policy comes from. Give exactly one of <see cref="PolicyPath"/>, <see cref="PolicyJson"/> and
/// <see cref="Policy"/>. Bound from configuration by <c>AddHitlPolicy(configuration)</c>: keys <c>PolicyPath</c>,
/// <c>WatchPolicyFile</c>, <c>PolicyJson</c> and <c>SamplingKey</c>; the review gate's settings (<see cref="ReviewGateOptions"/>) are the
/// section <c>Gate</c> beside them, read by <c>AddReviewGate()</c>.
/// </summary>
public sealed class HitlPolicyOptions
{
    /// <summary>The path of a policy JSON file.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PolicyPath { get; set; }

    /// <summary>
    /// Whether an edit of the file at <see cref="PolicyPath"/> reloads the policy (a policy that does not compile is
    /// logged and the last good one stays).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchPolicyFile { get; set; } = true;

    /// <summary>The policy as JSON text.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PolicyJson { get; set; }

    /// <summary>A policy made in code (for example with <see cref="PolicyBuilder"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public PolicyDefinition? Policy { get; set; }

    /// <summary>
    /// The deployment secret that keys the audit sample, the same on every instance. Without one, a submitter who chooses
    /// request ids can choose ones that are never sampled (see <see cref="Policy.SamplingKey"/>). Bound from the
    /// configuration key <c>SamplingKey</c> as base64 text of at least 16 random bytes; read when the policy starts, and
    /// used for every reload.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the unkeyed sample.</value>
    public SamplingKey? SamplingKey { get; set; }

    /// <summary>Values that could not be bound from configuration, each naming its key and value; reported at start.</summary>
    internal List<string> BindingProblems { get; } = [];
}
