using Hitl.Policy.Definition;

namespace Hitl.Policy.Feedback;

/// <summary>
/// A proposed policy change backed by a calibration report, for a person to read and approve. Nothing is applied:
/// activating <see cref="After"/> is the approver's act.
/// </summary>
public sealed record PolicyProposal
{
    /// <summary>The active policy, unchanged.</summary>
    public required PolicyDefinition Before { get; init; }

    /// <summary>The proposed policy: a copy of <see cref="Before"/> with the changed confidence bands and a new version.</summary>
    public required PolicyDefinition After { get; init; }

    /// <summary>The active policy as JSON (<see cref="PolicyJson.Serialize"/>).</summary>
    public required string BeforeJson { get; init; }

    /// <summary>The proposed policy as JSON.</summary>
    public required string AfterJson { get; init; }

    /// <summary>A unified line diff from <see cref="BeforeJson"/> to <see cref="AfterJson"/>; empty without changes.</summary>
    public required string Diff { get; init; }

    /// <summary>The recommendations the change applies (loosen and tighten), with their evidence.</summary>
    public required IReadOnlyList<ThresholdRecommendation> Changes { get; init; }

    /// <summary>Problems <see cref="PolicyCompiler.Validate(PolicyDefinition)"/> finds in <see cref="After"/>; empty for a proposal that compiles.</summary>
    public required IReadOnlyList<PolicyError> Errors { get; init; }

    /// <summary>Whether anything would change.</summary>
    public bool HasChanges => Changes.Count > 0;
}
