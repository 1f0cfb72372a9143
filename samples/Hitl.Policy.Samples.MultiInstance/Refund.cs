using System.Globalization;
using Hitl.Policy.Review;

namespace Hitl.Policy.Samples.MultiInstance;

/// <summary>A refund the model proposes: the order, the amount, and why the customer asked.</summary>
/// <param name="Order">The order number.</param>
/// <param name="Amount">The amount, in euros.</param>
/// <param name="Category">Why the refund is asked for (<c>fraud</c> when the fraud model flags it).</param>
/// <param name="Why">The model's explanation, for the reviewer.</param>
public sealed record Refund(int Order, decimal Amount, string Category, string Why)
{
    /// <summary>How the sample shows it.</summary>
    public string Shown => string.Create(CultureInfo.InvariantCulture, $"{Amount:0.00} EUR to order {Order}");

    /// <summary>The model's output as the gate keeps it.</summary>
    public string Payload => string.Create(CultureInfo.InvariantCulture, $"{{\"order\":{Order},\"amount\":{Amount:0.00},\"currency\":\"EUR\",\"category\":\"{Category}\"}}");

    /// <summary>The request to the gate; the case id names the run and the order.</summary>
    /// <param name="run">The run's id (so that runs on one schema never reuse a case id).</param>
    /// <returns>The request.</returns>
    public GateRequest<Refund> Request(string run) => new()
    {
        Context = this,
        Payload = Payload,
        CaseId = string.Create(CultureInfo.InvariantCulture, $"refund-{run}-{Order}"),
        Requester = "support-bot",
        Subject = string.Create(CultureInfo.InvariantCulture, $"customer-of-{Order}"),
        Summary = Why,
        ModelId = "refund-model",
        ModelVersion = "7",
    };
}

/// <summary>The policy both instances run (refunds-two-instances.json) and what it reads from a refund.</summary>
public static class RefundPolicy
{
    /// <summary>The action type every refund has.</summary>
    public const string ActionType = "refund.issue";

    /// <summary>What the policy reads: the action type, the amount, the category.</summary>
    public static SignalSchema<Refund> Schema { get; } = new SignalSchema<Refund>()
        .ActionType(static (in Refund _) => ActionType)
        .Amount(static (in Refund r) => (double)r.Amount)
        .Category(static (in Refund r) => r.Category);

    /// <summary>The policy, compiled afresh: every instance has its own (and so its own kill switch, as separate services do).</summary>
    /// <returns>The compiled policy.</returns>
    public static CompiledPolicy<Refund> Compile()
    {
        using var stream = typeof(RefundPolicy).Assembly.GetManifestResourceStream("refunds-two-instances.json")
            ?? throw new InvalidOperationException("The embedded policy refunds-two-instances.json is missing.");
        using var reader = new StreamReader(stream);
        return PolicyCompiler.Compile(PolicyJson.Parse(reader.ReadToEnd()), Schema);
    }

    /// <summary>The people, the same on every instance: rosa reviews, olga operates the kill switch.</summary>
    /// <returns>The directory.</returns>
    public static InMemoryReviewerDirectory People() => new(
        Reviewer.Create("rosa", "agent", "reviewer"),
        Reviewer.Create("sven", "senior", "reviewer"),
        Reviewer.Create("olga", "senior", "operator"));
}
