namespace Hitl.Policy.Quickstart;

/// <summary>
/// A realistic, repeatable stream of model outputs: mostly confident and ordinary, with a tail of low confidence,
/// large amounts, irreversible actions (a sent e-mail counts as costly to reverse: a correction can follow it), vulnerable customers, dangerous tool calls and the odd broken signal.
/// </summary>
internal static class ModelOutputStream
{
    private static readonly string[] Actions = ["loan.approve", "refund.issue", "email.send", "agent.tool-call"];
    private static readonly string[] Tools = ["read_logs", "get_metrics", "send_invoice", "restart_service", "shell", "drop_table", "wire_transfer"];

    public static IEnumerable<ModelOutput> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var action = Actions[random.Next(Actions.Length)];
            var confidence = Confidence(random);
            yield return new ModelOutput(
                Action: action,
                RequestId: $"{action}-{i:D6}",
                Confidence: random.Next(400) == 0 ? double.NaN : confidence,
                Evidence: Math.Round(Math.Clamp(confidence + ((random.NextDouble() - 0.5) * 0.3), 0, 1), 2),
                Amount: action switch
                {
                    "loan.approve" => Math.Round(Math.Exp(6.5 + (random.NextDouble() * 5))),
                    "refund.issue" => Math.Round(Math.Exp(1.5 + (random.NextDouble() * 5.5)), 2),
                    _ => 0,
                },
                Risk: Math.Round(random.NextDouble() * random.NextDouble(), 3),
                Category: action == "email.send" ? Pick(random, "billing", "billing", "billing", "shipping", "shipping", "order", "order", "order", "legal", "health") : "retail",
                Reversibility: action switch
                {
                    "email.send" => random.Next(10) == 0 ? Reversibility.Irreversible : Reversibility.CostlyToReverse,
                    "refund.issue" => random.Next(10) == 0 ? Reversibility.CostlyToReverse : Reversibility.Reversible,
                    "agent.tool-call" => random.Next(4) == 0 ? Reversibility.Irreversible : Reversibility.Reversible,
                    _ => Reversibility.Reversible,
                },
                Sensitive: random.Next(25) == 0,
                Vulnerable: random.Next(60) == 0,
                Income: Math.Round(20_000 + (random.NextDouble() * 180_000)),
                DebtRatio: Math.Round(random.NextDouble() * 0.8, 2),
                Fraud: Math.Round(Math.Pow(random.NextDouble(), 4), 3),
                Disputes: Math.Round(Math.Pow(random.NextDouble(), 3), 3),
                Segment: Pick(random, "retail", "retail", "retail", "business", "private"),
                IsNew: random.Next(8) == 0,
                Chargebacks: random.Next(20) == 0 ? random.Next(3, 7) : random.Next(0, 2),
                Recipients: random.Next(30) == 0 ? random.Next(51, 500) : random.Next(1, 4),
                MentionsLegal: random.Next(40) == 0,
                Tool: Tools[Math.Min(Tools.Length - 1, (int)(Math.Pow(random.NextDouble(), 2.5) * Tools.Length))],
                TouchesProduction: random.Next(5) == 0);
        }
    }

    /// <summary>Most outputs are confident (about 80% at 0.9 or more); a tail is not.</summary>
    private static double Confidence(Random random) =>
        Math.Round(1 - (Math.Pow(random.NextDouble(), 9) * 0.6), 3);

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];
}
