using Hitl.Policy.Definition;
using Hitl.Policy.Feedback;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// The candidate policy of a live shadow (<see cref="LiveShadow{TContext}"/>) and how its differences are kept. Give
/// exactly one of <see cref="PolicyPath"/>, <see cref="PolicyJson"/> and <see cref="Policy"/>. Checked at start
/// (<c>ValidateOnStart</c>): a value out of range is named with its field and value, and a candidate that does not
/// compile stops the start with its policy errors. Bound from configuration by <c>AddShadowPolicy(configuration)</c>:
/// keys <c>PolicyPath</c>, <c>PolicyJson</c>, <c>SampleRate</c>, <c>RecordPath</c>, <c>Capacity</c> and
/// <c>FlushInterval</c> (ISO 8601 or <see cref="TimeSpan"/> text). Read once, when the shadow starts.
/// </summary>
public sealed class ShadowPolicyOptions
{
    /// <summary>The largest <see cref="Capacity"/>: about 100 MB of pending records.</summary>
    public const int MaxCapacity = 1 << 20;

    /// <summary>The path of the candidate policy's JSON file.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PolicyPath { get; set; }

    /// <summary>The candidate policy as JSON text.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PolicyJson { get; set; }

    /// <summary>A candidate policy made in code (for example with <see cref="PolicyBuilder"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public PolicyDefinition? Policy { get; set; }

    /// <summary>
    /// The share of differing decisions recorded, from 0 (count only) to 1 (every one). Deterministic, per action type:
    /// the <c>n</c>-th difference of an action type is recorded when <c>ceil(n * SampleRate)</c> exceeds
    /// <c>ceil((n - 1) * SampleRate)</c>, so the first one always is and the rest are evenly spread. Every decision is
    /// compared and counted whatever the rate.
    /// </summary>
    /// <value>The default value is 1.</value>
    public double SampleRate { get; set; } = 1;

    /// <summary>
    /// The JSON Lines file the sampled differences are appended to, one object per line (read it with
    /// <c>hitl shadow --records</c>); its directory must exist. <see langword="null"/> keeps them in memory only, for
    /// <see cref="LiveShadow{TContext}.Snapshot"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? RecordPath { get; set; }

    /// <summary>
    /// How many sampled differences may wait for a flush, from 1 to <see cref="MaxCapacity"/>; the buffer is allocated
    /// at start. A difference that finds it full is counted as dropped: routing never waits. Also how many recent
    /// differences <see cref="LiveShadow{TContext}.Snapshot"/> keeps.
    /// </summary>
    /// <value>The default value is 4096.</value>
    public int Capacity { get; set; } = 4096;

    /// <summary>How often the pending differences are written, more than zero and at most one hour.</summary>
    /// <value>The default value is one second.</value>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Values that could not be bound from configuration, each naming its key and value; reported at start.</summary>
    internal List<string> BindingProblems { get; } = [];

    /// <summary>The source fields as policy options, for the loading code they share.</summary>
    internal HitlPolicyOptions AsPolicySource() => new()
    {
        PolicyPath = PolicyPath,
        PolicyJson = PolicyJson,
        Policy = Policy,
        WatchPolicyFile = false,
    };
}
