namespace Hitl.Policy.Review;

/// <summary>What the host hands the gate after <c>Route()</c>: the decision, the context it was made for, and the payload.</summary>
/// <typeparam name="TContext">The host's context type.</typeparam>
public sealed record GateRequest<TContext>
{
    /// <summary>The signals of the model output: the gate routes them (and explains them for the ticket).</summary>
    public required TContext Context { get; init; }

    /// <summary>
    /// The decision the host's own <c>Route()</c> returned for <see cref="Context"/>, if it has one; optional. The gate
    /// always routes <see cref="Context"/> itself and acts on its own decision; when this one is given and differs (a
    /// reload, a kill switch engaged since, or other signals), the submit is refused with
    /// <see cref="ReviewErrorCode.DecisionMismatch"/> and nothing is recorded or run.
    /// </summary>
    public Decision? Decision { get; init; }

    /// <summary>The model's output: what runs when the case is executed (only its digest goes to the audit trail).</summary>
    public required string Payload { get; init; }

    /// <summary>The case id; a time-ordered unique id when omitted.</summary>
    public string? CaseId { get; init; }

    /// <summary>The host's request id.</summary>
    public string? RequestId { get; init; }

    /// <summary>Who asked for the action (an employee, an agent's user). May not approve the case.</summary>
    public string? Requester { get; init; }

    /// <summary>The person the action affects. May not approve the case; the only one who may contest it.</summary>
    public string? Subject { get; init; }

    /// <summary>What the case is about, in the host's words; shown on the ticket even when the suggestion is withheld.</summary>
    public string? Summary { get; init; }

    /// <summary>The model's confidence, for the record and the ticket; taken from the trace when omitted and a ticket is made.</summary>
    public double? Confidence { get; init; }

    /// <summary>The risk score, for the record and the ticket; taken from the trace when omitted and a ticket is made.</summary>
    public double? Risk { get; init; }

    /// <summary>The model that produced the output (for example <c>gpt-4.1</c> or the host's own model name); on record with the decision.</summary>
    public string? ModelId { get; init; }

    /// <summary>The model's version; on record with the decision.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>When the host received the model's output (before routing); on record with the decision. The submit time when omitted.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>
    /// The retention class of the case (see <see cref="ReviewGateOptions.RetentionClasses"/>): how long the closed case is
    /// kept before a sweep purges it. <see cref="ReviewGateOptions.ClosedCaseRetention"/> when omitted or not listed.
    /// </summary>
    public string? RetentionClass { get; init; }

    /// <summary>
    /// The host's ids that tie the case to its own records, for example <c>conversationId</c> and <c>toolCallId</c> for an
    /// agent's tool call, or a trace id: kept on the case, shown on its ticket and written on the decision and every act.
    /// At most <see cref="CaseCorrelation.MaxEntries"/> entries; keys of letters, digits, <c>.</c>, <c>-</c> and <c>_</c>
    /// (at most <see cref="CaseCorrelation.MaxKeyLength"/> characters), values of at most <see cref="CaseCorrelation.MaxValueLength"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Correlation { get; init; }

    /// <summary>
    /// The groups the case belongs to for oversight, for example <c>region</c>, <c>language</c> or <c>customerGroup</c>:
    /// written on the decision record (see <see cref="CaseSegments"/>) so that outcomes can be broken down by them and
    /// compared (<c>hitl oversight</c>). They take part in no decision. Same limits as <see cref="Correlation"/>; a value
    /// here wins over one read by a <see cref="ReviewGateBuilder{TContext}.SegmentBy"/> reader of the same name.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Segments { get; init; }
}
