namespace Hitl.Policy.Review;

/// <summary>Settings of the <see cref="ReviewGate{TContext}"/>.</summary>
public sealed class ReviewGateOptions
{
    /// <summary>The role a reviewer needs to approve, reject, edit, escalate, override or reverse.</summary>
    /// <value>The default value is <c>reviewer</c>.</value>
    public string ReviewerRole { get; set; } = "reviewer";

    /// <summary>The role a person needs to turn a kill switch on or off (see <see cref="AuditedKillSwitch"/>).</summary>
    /// <value>The default value is <c>operator</c>.</value>
    public string OperatorRole { get; set; } = "operator";

    /// <summary>
    /// The lowest tier (by name) that may override an auto-executed decision; <see langword="null"/> for the policy's
    /// lowest tier.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? OverrideTier { get; set; }

    /// <summary>How long the human review a contest forces may wait before it escalates (and then blocks).</summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan ContestReviewDeadline { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often the gate checks review deadlines on its own, with a timer from its <see cref="TimeProvider"/>;
    /// <see langword="null"/> when the host calls <see cref="ReviewGate{TContext}.SweepAsync"/> itself.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? SweepInterval { get; set; }

    /// <summary>How long a closed case stays in memory (for override, reversal and contest) before a sweep drops it.</summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan ClosedCaseRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Ticket settings that apply to every action type without an entry in <see cref="Actions"/>.</summary>
    public ActionReviewOptions Defaults { get; set; } = new();

    /// <summary>Ticket settings per action type (for example <c>loan.approve</c>).</summary>
    public Dictionary<string, ActionReviewOptions> Actions { get; } = new(StringComparer.Ordinal);

    internal ActionReviewOptions For(string? actionType) =>
        actionType is not null && Actions.TryGetValue(actionType, out var options) ? options : Defaults;
}
