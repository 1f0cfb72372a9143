using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// The quickstart: a realistic stream of model outputs through the shipped operations policy and the review gate, with
/// simulated reviewers, deadlines, sampled audits, a kill switch and a contest, written to a hash-chained audit trail
/// that is verified and summarised at the end.
/// </summary>
public static class QuickstartApp
{
    /// <summary>The trail's file name inside the output folder.</summary>
    public const string TrailFileName = "audit.jsonl";

    /// <summary>The action type whose kill switch is engaged and released during the run.</summary>
    public const string KillSwitchAction = "agent.tool-call";

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs the quickstart.</summary>
    /// <param name="args">The command line: <c>[--out DIR] [--count N] [--seed S]</c>.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <param name="progress">Where the in-place progress line goes (a console), or <see langword="null"/> for none.</param>
    /// <returns>0 when the run completed and the trail verified; 1 when the trail did not verify; 2 for a bad command line.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        QuickstartOptions options;
        try
        {
            options = QuickstartOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            output.WriteLine(ex.Message);
            output.WriteLine();
            output.WriteLine(QuickstartOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            output.WriteLine(QuickstartOptions.Usage);
            return 0;
        }

        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(options.OutDirectory);
        var trailPath = Path.Combine(options.OutDirectory, TrailFileName);
        var kept = KeepPreviousTrail(trailPath);

        var definition = SamplePolicy.Load();
        var clock = new VirtualClock(Start);
        var killSwitch = new KillSwitch(clock);
        var policy = PolicyCompiler.Compile(definition, ModelOutput.Schema, killSwitch);
        var simulation = new Simulation(clock, options.Seed);
        var directory = ReviewerPool.Directory();

        output.WriteLine(string.Create(Invariant, $"Hitl.Policy quickstart: {options.Count:N0} model outputs (seed {options.Seed}) through policy '{policy.PolicyId}' {policy.PolicyVersion}"));
        output.WriteLine(string.Create(Invariant, $"  action types: {string.Join(", ", policy.ActionTypes)}; reviewer tiers: {string.Join(" < ", policy.Tiers)}"));
        if (kept is not null)
        {
            output.WriteLine(string.Create(Invariant, $"  the previous trail was kept as {kept}"));
        }

        var items = ModelOutputStream.Generate(options.Count, options.Seed).ToArray();
        var engageAt = options.Count * 4 / 10;
        var releaseAt = options.Count / 2;
        var contestAt = options.Count * 7 / 10;
        ModelOutput? escalatedExample = null;
        List<string> pendingAtEnd;
        List<AuditRecord> records;
        var line = new ProgressLine(progress, items.Length);
        await using (var store = await JsonLinesAuditStore.OpenAsync(new JsonLinesAuditStoreOptions { Path = trailPath }, clock).ConfigureAwait(false))
        {
            using var gate = new ReviewGateBuilder<ModelOutput>(policy)
                .AddAuditStore(store)
                .AddReviewSink(new ReviewerDesk(simulation.OnTicket))
                .AddReviewerDirectory(directory)
                .AddNotificationSink(new InMemoryNotificationSink())
                .UseTimeProvider(clock)
                .Build();
            simulation.Gate = gate;
            var switches = new AuditedKillSwitch(killSwitch, store, directory);
            for (var i = 0; i < items.Length; i++)
            {
                if (i == engageAt)
                {
                    await switches.EngageAsync(KillSwitchAction, ReviewerPool.Operator,
                        "Tool-call failures spiked after the agent's prompt change; every tool call waits for a person until it is rolled back.").ConfigureAwait(false);
                }

                if (i == releaseAt)
                {
                    await switches.ReleaseAsync(KillSwitchAction, ReviewerPool.Operator, "Prompt change rolled back; failure rate back to normal.").ConfigureAwait(false);
                }

                if (i == contestAt)
                {
                    await simulation.ContestOneAsync().ConfigureAwait(false);
                }

                var decision = policy.Route(items[i].Output);
                if (escalatedExample is null && decision.Route == RouteLevel.Escalate && decision.FiredRules.Count >= 3)
                {
                    escalatedExample = items[i].Output;
                }

                await simulation.SubmitAsync(items[i], decision).ConfigureAwait(false);
                if (i % 25 == 0 || i == items.Length - 1)
                {
                    line.Update(i + 1, simulation.AutoExecuted, simulation.SentToPerson, clock.GetUtcNow());
                }
            }

            await simulation.DrainAsync().ConfigureAwait(false);
            line.Finish();
            pendingAtEnd = [];
            foreach (var item in items)
            {
                if (await gate.GetCaseAsync(item.Output.RequestId).ConfigureAwait(false) is { State: CaseState.Pending } open)
                {
                    pendingAtEnd.Add(open.CaseId);
                }
            }

            records = [];
            await foreach (var record in store.ReadAsync().ConfigureAwait(false))
            {
                records.Add(record);
            }
        }

        var verification = await JsonLinesAuditStore.VerifyFileAsync(trailPath).ConfigureAwait(false);
        var summary = TrailSummary.From(records);
        var report = new SummaryWriter(output);
        report.Routes(summary);
        report.Reviews(summary);
        report.Timeouts(summary);
        report.KillSwitchAndContest(summary, simulation.ContestedCase);
        report.Explain(escalatedExample is null ? null : policy.Explain(escalatedExample));
        report.Calibration(Calibrator.Calibrate(ObservedCases.Collect(records).Cases, definition,
            new CalibrationOptions { Target = SummaryWriter.CalibrationTarget, MinimumSample = SummaryWriter.CalibrationMinimumSample }, clock));
        report.Problems(simulation.Refusals, pendingAtEnd);
        report.Trail(trailPath, verification, clock.GetUtcNow() - Start, stopwatch.Elapsed);
        return verification.IsIntact ? 0 : 1;
    }

    /// <summary>Each run starts a fresh trail; an existing one is never overwritten but renamed to the next free audit.N.jsonl.</summary>
    private static string? KeepPreviousTrail(string trailPath)
    {
        if (!File.Exists(trailPath))
        {
            return null;
        }

        var folder = Path.GetDirectoryName(trailPath)!;
        for (var n = 1; ; n++)
        {
            var target = Path.Combine(folder, string.Create(Invariant, $"audit.{n}.jsonl"));
            if (!File.Exists(target))
            {
                File.Move(trailPath, target);
                return target;
            }
        }
    }
}
