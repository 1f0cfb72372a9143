namespace Hitl.Policy.Review;

/// <summary>
/// What a reviewer sees about a case. Built against automation bias: it says the content is AI-generated, shows the
/// model's confidence and the rules that fired, says what the model is known to be weak at, and withholds the model's
/// suggestion where the gate's options say so, so that the reviewer decides without the AI.
/// </summary>
public sealed record ReviewTicket
{
    /// <summary>The banner every ticket carries.</summary>
    public const string AiGeneratedNotice = "AI-generated: this proposal was produced by a model. Check it as you would check a stranger's work.";

    /// <summary>The case.</summary>
    public required string CaseId { get; init; }

    /// <summary>Why the ticket was sent.</summary>
    public required TicketReason Reason { get; init; }

    /// <summary>The action type.</summary>
    public string? ActionType { get; init; }

    /// <summary>The route the case is on (review or escalate).</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The tier a reviewer needs, by name.</summary>
    public required string RequiredTier { get; init; }

    /// <summary>How many distinct reviewers must approve.</summary>
    public required int RequiredApprovals { get; init; }

    /// <summary>When the review falls back, when it has a deadline.</summary>
    public DateTimeOffset? DeadlineAt { get; init; }

    /// <summary>What it falls back to then (escalate or block; never approve).</summary>
    public RouteLevel? TimeoutFallback { get; init; }

    /// <summary>Whether the content was produced by a model: always, for tickets the gate makes.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IsAiGenerated { get; init; } = true;

    /// <summary>The banner to show.</summary>
    /// <value>The default value is <see cref="AiGeneratedNotice"/>.</value>
    public string AiNotice { get; init; } = AiGeneratedNotice;

    /// <summary>The model's confidence, when known.</summary>
    public double? Confidence { get; init; }

    /// <summary>The risk score, when known.</summary>
    public double? Risk { get; init; }

    /// <summary>The ids of the rules that fired.</summary>
    public required IReadOnlyList<string> FiredRules { get; init; }

    /// <summary>The rules that fired, with their conditions, inputs and descriptions (from <c>Explain()</c>).</summary>
    public required IReadOnlyList<RuleTrace> FiredRuleDetails { get; init; }

    /// <summary>The rule (or built-in) that set the route.</summary>
    public required string DecidedBy { get; init; }

    /// <summary>One sentence on why the case is here (from <c>Explain()</c>).</summary>
    public required string Why { get; init; }

    /// <summary>What the model is known to be weak at for this action type.</summary>
    public string? ModelWeaknesses { get; init; }

    /// <summary>What the case is about, in the host's words (shown even when the suggestion is withheld).</summary>
    public string? Summary { get; init; }

    /// <summary>Whether the model's suggestion is withheld ("decide without the AI").</summary>
    public required bool SuggestionWithheld { get; init; }

    /// <summary>The model's suggestion (the payload), or <see langword="null"/> when withheld.</summary>
    public string? Suggestion { get; init; }

    /// <summary>The requester (who may not approve).</summary>
    public string? Requester { get; init; }

    /// <summary>The host's ids that tie the case to its own records, for example the conversation and the tool call (see <see cref="GateRequest{TContext}.Correlation"/>).</summary>
    public IReadOnlyDictionary<string, string>? Correlation { get; init; }

    /// <summary>The subject (who may not approve).</summary>
    public string? Subject { get; init; }

    /// <summary>The id of the policy that decided.</summary>
    public string? PolicyId { get; init; }

    /// <summary>The version of the policy that decided.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>When the ticket was made.</summary>
    public required DateTimeOffset At { get; init; }
}
