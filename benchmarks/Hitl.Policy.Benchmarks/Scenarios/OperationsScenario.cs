using Hitl.Policy.Definition;

namespace Hitl.Policy.Benchmarks.Scenarios;

/// <summary>
/// The headline scenario: the sample policy <c>samples/policies/operations.json</c> (four action types, 33 rules, host
/// fields in business rules, sampling on), the host's schema for <see cref="OperationRequest"/>, and a fixed-seed
/// set of varied requests.
/// </summary>
public static class OperationsScenario
{
    /// <summary>How many distinct requests the benchmarks cycle through (enough that branch prediction is realistic).</summary>
    public const int InputCount = 2048;

    /// <summary>The seed of every generated input set.</summary>
    public const int Seed = 20261123;

    private const string ResourceName = "operations.json";

    private static readonly string[] ToolNames =
        ["read_logs", "get_metrics", "restart_pod", "scale_service", "shell", "drop_table", "open_ticket", "rotate_keys"];

    private static readonly string[] Categories = ["general", "billing", "shipping", "legal", "health", "credit", "marketing"];

    private static readonly string[] Segments = ["retail", "retail", "retail", "business", "private"];

    /// <summary>The policy document as shipped in <c>samples/policies</c> (embedded at build time).</summary>
    public static byte[] PolicyJsonBytes()
    {
        using var stream = typeof(OperationsScenario).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource '{ResourceName}' is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The parsed policy definition.</summary>
    public static PolicyDefinition Definition() => PolicyJson.Parse(PolicyJsonBytes());

    /// <summary>How the policy reads an <see cref="OperationRequest"/>: one typed accessor per signal and field.</summary>
    public static SignalSchema<OperationRequest> Schema() => new SignalSchema<OperationRequest>()
        .ActionType(static (in OperationRequest r) => r.Action)
        .RequestId(static (in OperationRequest r) => r.RequestId)
        .Confidence(static (in OperationRequest r) => r.Confidence)
        .Risk(static (in OperationRequest r) => r.Risk)
        .Evidence(static (in OperationRequest r) => r.Evidence)
        .Amount(static (in OperationRequest r) => r.Amount)
        .Category(static (in OperationRequest r) => r.Category)
        .Reversibility(static (in OperationRequest r) => r.Reversibility)
        .Sensitive(static (in OperationRequest r) => r.Sensitive)
        .Vulnerable(static (in OperationRequest r) => r.Vulnerable)
        .Number("applicant.income", static (in OperationRequest r) => r.ApplicantIncome)
        .Number("applicant.debtRatio", static (in OperationRequest r) => r.ApplicantDebtRatio)
        .Text("customer.segment", static (in OperationRequest r) => r.CustomerSegment)
        .Flag("customer.isNew", static (in OperationRequest r) => r.CustomerIsNew)
        .Number("customer.chargebacks", static (in OperationRequest r) => r.CustomerChargebacks)
        .Number("email.externalRecipients", static (in OperationRequest r) => r.EmailExternalRecipients)
        .Flag("email.mentionsLegal", static (in OperationRequest r) => r.EmailMentionsLegal)
        .Text("tool.name", static (in OperationRequest r) => r.ToolName)
        .Flag("tool.touchesProduction", static (in OperationRequest r) => r.ToolTouchesProduction)
        .Number("fraud.signal", static (in OperationRequest r) => r.FraudSignal)
        .Number("history.disputes", static (in OperationRequest r) => r.HistoryDisputes);

    /// <summary>
    /// The schema <c>[HitlSignals]</c> generates for <see cref="OperationRequest"/>: the same accessors, with the generated
    /// reader attached, so the compiled policy reads the standard signals directly (and, since every member is an
    /// auto-property, routes with no exception handler).
    /// </summary>
    public static SignalSchema<OperationRequest> SchemaWithReader() => OperationRequest.Schema;

    /// <summary>Compiles the sample policy against <see cref="SchemaWithReader"/>.</summary>
    /// <param name="killSwitch">The kill switch to obey.</param>
    public static CompiledPolicy<OperationRequest> CompileWithReader(KillSwitch killSwitch) =>
        PolicyCompiler.Compile(Definition(), SchemaWithReader(), killSwitch);

    /// <summary>
    /// Compiles the sample policy against <see cref="SchemaWithReader"/>, routed through <see cref="OperationsRouter"/>:
    /// the policy written as C# by <see cref="CompiledPolicy{TContext}.WriteRouterSource"/> (a test keeps the file current).
    /// </summary>
    /// <param name="killSwitch">The kill switch to obey.</param>
    public static CompiledPolicy<OperationRequest> CompilePrecompiled(KillSwitch killSwitch) =>
        PolicyCompiler.Compile(Definition(), SchemaWithReader(), new OperationsRouter(), killSwitch);

    /// <summary>Compiles the sample policy against <see cref="Schema"/>.</summary>
    /// <param name="killSwitch">The kill switch to obey.</param>
    public static CompiledPolicy<OperationRequest> Compile(KillSwitch killSwitch) =>
        PolicyCompiler.Compile(Definition(), Schema(), killSwitch);

    /// <summary>
    /// Varied requests from a fixed seed: mostly confident, reversible, low-impact cases that auto-execute, with every
    /// band, threshold, gate and business rule reached, about 1% unknown action types and about 1% invalid signals.
    /// </summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    public static OperationRequest[] Inputs(int count = InputCount, int seed = Seed)
    {
        var random = new Random(seed);
        var inputs = new OperationRequest[count];
        for (var i = 0; i < count; i++)
        {
            var pick = random.NextDouble();
            var action = pick switch
            {
                < 0.30 => "loan.approve",
                < 0.55 => "refund.issue",
                < 0.80 => "email.send",
                < 0.99 => "agent.tool-call",
                _ => "invoice.pay",
            };

            inputs[i] = new OperationRequest
            {
                Action = action,
                RequestId = random.NextDouble() < 0.01 ? null : "req-" + random.NextInt64(1, long.MaxValue).ToString("x", System.Globalization.CultureInfo.InvariantCulture),
                Confidence = Invalid(random, Skewed(random, 0.55, 0.88, 1.0)),
                Risk = Invalid(random, Math.Pow(random.NextDouble(), 2.5)),
                Evidence = Invalid(random, Skewed(random, 0.85, 0.55, 1.0)),
                Amount = Invalid(random, Math.Round(Math.Exp(random.NextDouble() * 12.5), 2)),
                Category = random.NextDouble() < 0.005 ? null : Categories[Weighted(random, Categories.Length)],
                Reversibility = (Reversibility)Weighted(random, 3),
                Sensitive = random.NextDouble() < 0.08,
                Vulnerable = random.NextDouble() < 0.04,
                ApplicantIncome = Invalid(random, Math.Round(15_000 + (random.NextDouble() * 185_000))),
                ApplicantDebtRatio = Invalid(random, Math.Pow(random.NextDouble(), 2)),
                CustomerSegment = random.NextDouble() < 0.05 ? null : Segments[random.Next(Segments.Length)],
                CustomerIsNew = random.NextDouble() < 0.2,
                CustomerChargebacks = Invalid(random, Math.Floor(Math.Pow(random.NextDouble(), 4) * 6)),
                EmailExternalRecipients = Invalid(random, Math.Floor(Math.Pow(random.NextDouble(), 6) * 120)),
                EmailMentionsLegal = random.NextDouble() < 0.05,
                ToolName = random.NextDouble() < 0.01 ? null : ToolNames[Weighted(random, ToolNames.Length)],
                ToolTouchesProduction = random.NextDouble() < 0.3,
                FraudSignal = Invalid(random, Math.Pow(random.NextDouble(), 4)),
                HistoryDisputes = Invalid(random, Math.Pow(random.NextDouble(), 3)),
            };
        }

        return inputs;
    }

    /// <summary>Mostly in [<paramref name="high"/>, <paramref name="top"/>], with a share spread below.</summary>
    private static double Skewed(Random random, double shareHigh, double high, double top) =>
        random.NextDouble() < shareHigh
            ? high + (random.NextDouble() * (top - high))
            : random.NextDouble() * high;

    /// <summary>Index with a falling weight: the first values are the most common.</summary>
    private static int Weighted(Random random, int count) => (int)(Math.Pow(random.NextDouble(), 1.8) * count);

    /// <summary>About one value in 400 is NaN or out of range, so the fail-closed paths are part of the mix.</summary>
    private static double Invalid(Random random, double value) => random.NextDouble() switch
    {
        < 0.0015 => double.NaN,
        < 0.0025 => -1,
        _ => value,
    };
}
