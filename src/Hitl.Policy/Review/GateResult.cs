namespace Hitl.Policy.Review;

/// <summary>The gate's answer to one <see cref="GateRequest{TContext}"/>.</summary>
public sealed record GateResult
{
    /// <summary>The case id; use it to await or look up the outcome, or to override, reverse or contest later.</summary>
    public required string CaseId { get; init; }

    /// <summary>What to do now.</summary>
    public required GateDisposition Disposition { get; init; }

    /// <summary>The route that applies (review when a notice-only action could not be announced).</summary>
    public required RouteLevel Route { get; init; }

    /// <summary>The decision as the host gave it.</summary>
    public required Decision Decision { get; init; }

    /// <summary>The ticket handed to the review sink, when a case opened.</summary>
    public ReviewTicket? Ticket { get; init; }

    /// <summary>The sequence number of the audit record of the decision.</summary>
    public required long AuditSequence { get; init; }

    /// <summary>Whether the action may run now.</summary>
    public bool MayExecute => Disposition == GateDisposition.Execute;
}
