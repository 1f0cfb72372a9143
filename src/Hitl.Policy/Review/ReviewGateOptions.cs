namespace Hitl.Policy.Review;

/// <summary>
/// Settings of the <see cref="ReviewGate{TContext}"/>: pass them to <see cref="ReviewGateBuilder{TContext}.UseOptions"/>, or
/// in dependency injection bind them from configuration (the section <c>Gate</c> of the policy's section, for example
/// <c>Hitl:Gate:SweepInterval</c>) and change them with <c>AddReviewGate(o =&gt; ...)</c>. Durations in configuration are
/// ISO 8601 (<c>PT5S</c>, <c>P7D</c>, as in the policy file) or <see cref="TimeSpan"/> text (<c>00:00:05</c>,
/// <c>7.00:00:00</c>); a value that is neither stops the start with an error that names the key and the value.
/// </summary>
public sealed class ReviewGateOptions
{
    /// <summary>The role a reviewer needs to approve, reject, edit, escalate, override or reverse.</summary>
    /// <value>The default value is <c>reviewer</c>.</value>
    public string ReviewerRole { get; set; } = "reviewer";

    /// <summary>The role a person needs to turn a kill switch on or off (see <see cref="AuditedKillSwitch"/>).</summary>
    /// <value>The default value is <c>operator</c>.</value>
    public string OperatorRole { get; set; } = "operator";

    /// <summary>
    /// The role a person needs to contest a case that names no subject, on behalf of the person it affects (a complaints
    /// or intake desk). A case with a subject may be contested only by that subject.
    /// </summary>
    /// <value>The default value is <c>contest-intake</c>.</value>
    public string ContestIntakeRole { get; set; } = "contest-intake";

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

    /// <summary>
    /// How long a closed case stays in the case store (open to override, reversal, contest and an examiner's export)
    /// when its retention class names no other period. A sweep then purges it, as an audited act (<see cref="Audit.ActKind.Purged"/>),
    /// unless a legal hold keeps it; the audit trail keeps its records either way.
    /// </summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan ClosedCaseRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Retention periods by class (<see cref="GateRequest{TContext}.RetentionClass"/>), for example <c>credit</c> kept
    /// seven years (<c>P2555D</c>). A case whose class is not listed keeps <see cref="ClosedCaseRetention"/>.
    /// </summary>
    public Dictionary<string, TimeSpan> RetentionClasses { get; } = new(StringComparer.Ordinal);

    /// <summary>The role a person needs to put a case under legal hold or lift it (<c>SetLegalHoldAsync</c>).</summary>
    /// <value>The default value is <c>records-officer</c>.</value>
    public string RecordsRole { get; set; } = "records-officer";

    /// <summary>
    /// How often <see cref="ReviewGate{TContext}.WaitForOutcomeAsync"/> reads the case store again for a decision made
    /// elsewhere (another gate on the same store, another instance), and how often a gate on a store that shares the kill
    /// switch (<see cref="IKillSwitchStore"/>) reads the switch's state. Decisions made through the same gate wake the wait
    /// at once; a store with a change feed (<see cref="IStoreChangeFeed"/>) wakes it, and re-reads the switch, as soon as it
    /// hears of a change, so the poll is the bound when notifications are lost.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan StorePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long <see cref="ReviewGate{TContext}.ClaimNextAsync"/> leases a case to the reviewer who asked for it, on a
    /// store that leases work (<see cref="ICaseClaims"/>): other reviewers' next case is a different one until then.
    /// </summary>
    /// <value>The default value is 15 minutes.</value>
    public TimeSpan ReviewClaimLease { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The deployment secret that keys the payload digests the audit trail keeps (<see cref="Audit.AuditEntry.InputDigest"/>,
    /// <see cref="Audit.AuditEntry.EditedDigest"/>), in base64, at least 32 random bytes. With it a digest is the
    /// HMAC-SHA256 of the payload under this secret: it still shows that two payloads are the same, but a short payload
    /// (an amount, a yes or no, a name) can no longer be found by hashing guesses. Without it the digest is a plain
    /// SHA-256, which a brute force over short payloads reverses in milliseconds (the weak mode; see docs/security.md).
    /// Keep the secret in a secret store, apart from the audit trail's keys.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: plain SHA-256 digests.</value>
    public string? PayloadDigestKey { get; set; }

    /// <summary>
    /// The longest payload (in UTF-16 characters) the gate takes: the case store keeps the payload until the case is
    /// purged, so a model output far larger than any real action is refused at submit
    /// (<see cref="ReviewErrorCode.PayloadTooLarge"/>) instead of filling the store. Edited payloads have the same bound.
    /// </summary>
    /// <value>The default value is 1,048,576 (1 Mi characters).</value>
    public int MaxPayloadLength { get; set; } = 1024 * 1024;

    /// <summary>Ticket settings that apply to every action type without an entry in <see cref="Actions"/>.</summary>
    public ActionReviewOptions Defaults { get; set; } = new();

    /// <summary>Ticket settings per action type (for example <c>loan.approve</c>).</summary>
    public Dictionary<string, ActionReviewOptions> Actions { get; } = new(StringComparer.Ordinal);

    /// <summary>The configuration path the options were bound from (for example <c>Hitl:Gate</c>), for error messages.</summary>
    internal string? ConfigurationPath { get; set; }

    /// <summary>Values that could not be bound from configuration, each naming its key and value; reported at start.</summary>
    internal List<string> BindingProblems { get; } = [];

    internal TimeSpan RetentionFor(string? retentionClass) =>
        retentionClass is not null && RetentionClasses.TryGetValue(retentionClass, out var period) ? period : ClosedCaseRetention;

    internal ActionReviewOptions For(string? actionType) =>
        actionType is not null && Actions.TryGetValue(actionType, out var options) ? options : Defaults;
}
