using System.Globalization;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// A realistic, repeatable stream of model outputs: mostly confident and ordinary, with a tail of low confidence,
/// large amounts, irreversible actions (a sent e-mail counts as costly to reverse: a correction can follow it),
/// vulnerable customers, dangerous tool calls and the odd broken signal. Each output carries a ground truth: the
/// chance that the model is wrong falls with its confidence, with a floor per action type (customer e-mail has the
/// highest floor: tone and promises go wrong even when the model is sure, which only sampled audits reveal).
/// Each output is in a language (half English, a quarter each German and Spanish). Planted for the bias section: on half
/// of the Spanish-language outputs the model reports its confidence 0.05 lower than it is, while it is wrong no more often
/// (the ground truth follows the true confidence), so Spanish-language requests auto-execute less often for no reason.
/// </summary>
internal static class ModelOutputStream
{
    public static readonly string[] Actions = ["loan.approve", "refund.issue", "email.send", "agent.tool-call"];
    private static readonly string[] Tools = ["read_logs", "get_metrics", "send_invoice", "restart_service", "shell", "drop_table", "wire_transfer"];
    private static readonly string[] Topics = ["your refund", "your order", "a delivery delay", "your invoice", "your contract"];

    public static IEnumerable<StreamItem> Generate(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var action = Actions[random.Next(Actions.Length)];
            var confidence = Confidence(random);
            var language = Pick(random, "en", "en", "de", "es");
            var hedged = language == "es" && random.Next(2) == 0 ? Math.Round(Math.Max(0, confidence - 0.05), 3) : confidence;
            var output = new ModelOutput(
                Action: action,
                RequestId: $"{action}-{i:D6}",
                Confidence: random.Next(400) == 0 ? double.NaN : hedged,
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
                TouchesProduction: random.Next(5) == 0,
                Language: language);
            var wrong = random.NextDouble() < ErrorRate(action, confidence);
            var subject = action == "agent.tool-call" ? "service-" + output.Tool : $"customer-{random.Next(100_000):D5}";
            var gap = TimeSpan.FromMilliseconds(1 + Math.Round(-Math.Log(1 - random.NextDouble()) * 20_000));
            yield return new StreamItem(output, Payload(output, random), subject, wrong, gap);
        }
    }

    /// <summary>
    /// The edit a reviewer makes to a wrong proposal: a smaller amount, a corrected text, safer arguments. The
    /// result differs from the original, so the gate records an edit.
    /// </summary>
    public static string Edit(StreamItem item) => item.Output.Action switch
    {
        "loan.approve" or "refund.issue" => Invariant($$"""{"amount":{{Math.Round(item.Output.Amount * 0.8, 2)}},"note":"amount corrected by reviewer"}"""),
        "email.send" => """{"subject":"Re: your request","body":"Rewritten by a reviewer: the draft promised what we cannot do."}""",
        _ => Invariant($$"""{"tool":"{{item.Output.Tool}}","args":{"dryRun":true},"note":"arguments narrowed by reviewer"}"""),
    };

    /// <summary>
    /// The chance that the model is wrong: a floor per action type, plus a part that grows with the square of the
    /// missing confidence (0.9 adds 2%, 0.7 adds 18%, 0.5 adds 50%).
    /// </summary>
    private static double ErrorRate(string action, double confidence)
    {
        var floor = action switch
        {
            "email.send" => 0.05,
            "agent.tool-call" => 0.006,
            "loan.approve" => 0.004,
            _ => 0.001,
        };
        var missing = 1 - confidence;
        return floor + (2 * missing * missing);
    }

    private static string Payload(ModelOutput output, Random random) => output.Action switch
    {
        "loan.approve" => Invariant($$"""{"amount":{{output.Amount}},"rate":{{Math.Round(3 + (random.NextDouble() * 6), 2)}},"termMonths":{{12 * random.Next(1, 8)}}}"""),
        "refund.issue" => Invariant($$"""{"amount":{{output.Amount}},"currency":"EUR"}"""),
        "email.send" => Invariant($$"""{"subject":"About {{Topics[random.Next(Topics.Length)]}}","recipients":{{output.Recipients}},"category":"{{output.Category}}"}"""),
        _ => Invariant($$"""{"tool":"{{output.Tool}}","production":{{(output.TouchesProduction ? "true" : "false")}}}"""),
    };

    /// <summary>Most outputs are confident (about 80% at 0.9 or more); a tail is not.</summary>
    private static double Confidence(Random random) =>
        Math.Round(1 - (Math.Pow(random.NextDouble(), 9) * 0.6), 3);

    private static string Pick(Random random, params string[] options) => options[random.Next(options.Length)];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
