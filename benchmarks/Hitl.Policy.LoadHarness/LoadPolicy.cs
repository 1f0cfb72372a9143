using System.Globalization;
using Hitl.Policy.Review;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// What every instance runs: the refund policy of the PostgreSQL tests (tests/Hitl.Policy.PostgreSql.Tests/Support/Instances.cs,
/// copied: the harness does not reference test projects). Refunds of 1000 and more need one approval by an agent within
/// an hour; the rest auto-execute.
/// </summary>
internal static class LoadPolicy
{
    public const string PolicyJson = """
        {
          "id": "pg-refunds", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "review": { "tier": "agent", "approvals": 1, "deadline": "PT1H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
          },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ] } }
        }
        """;

    /// <summary>The agents who approve (they take turns).</summary>
    public static readonly string[] Approvers = ["ann", "aaron"];

    public static SignalSchema<Refund> Schema { get; } = new SignalSchema<Refund>()
        .ActionType(static (in Refund r) => "refund.issue")
        .Amount(static (in Refund r) => r.Amount);

    public static InMemoryReviewerDirectory Reviewers() => new(
        Reviewer.Create("ann", "agent", "reviewer"),
        Reviewer.Create("aaron", "agent", "reviewer"),
        Reviewer.Create("sam", "senior", "reviewer"),
        Reviewer.Create("otto", "agent", "operator"));

    public static CompiledPolicy<Refund> Compile() => PolicyCompiler.Compile(Hitl.Policy.PolicyJson.Parse(PolicyJson), Schema);

    /// <summary>A refund request; <see cref="GateRequest{TContext}.CaseId"/> is left out, so every submit opens a new case.</summary>
    public static GateRequest<Refund> Request(double amount) => new()
    {
        Context = new Refund(amount),
        Payload = "{\"refund\":" + amount.ToString(CultureInfo.InvariantCulture) + "}",
        Requester = "rita",
        Subject = "carl",
    };
}

/// <summary>The context: a refund of an amount.</summary>
internal readonly record struct Refund(double Amount);

/// <summary>
/// A review sink that counts tickets and keeps none: an <see cref="InMemoryReviewSink"/> keeps every ticket (with its
/// explain trace) for the whole run, which over a long run measures the heap rather than the store.
/// </summary>
internal sealed class CountingReviewSink : IReviewSink
{
    private long _tickets;

    public long Tickets => Interlocked.Read(ref _tickets);

    public ValueTask SubmitAsync(ReviewTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _tickets);
        return ValueTask.CompletedTask;
    }
}
