using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Feedback;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// The quickstart: a realistic stream of model outputs through the shipped operations policy and the review gate, with
/// simulated reviewers, deadlines, sampled audits, a kill switch and a contest, written to a hash-chained audit trail
/// that is verified and summarised at the end.
/// </summary>
public static class QuickstartApp
{
    /// <summary>The trail's file name inside the output folder: written by the JSON Lines store, or exported from the database.</summary>
    public const string TrailFileName = "audit.jsonl";

    /// <summary>The segment every case is put in for the bias section: the language of the request.</summary>
    public const string LanguageSegment = "language";

    /// <summary>The SQLite file (cases and trail) inside the output folder.</summary>
    public const string DatabaseFileName = "hitl.db";

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
        var databasePath = Path.Combine(options.OutDirectory, DatabaseFileName);
        var kept = new[] { KeepPrevious(trailPath), options.UseSqlite ? KeepPrevious(databasePath) : null }.OfType<string>().ToList();

        var definition = SamplePolicy.Load();
        var clock = new VirtualClock(Start);
        var killSwitch = new KillSwitch(clock);
        var policy = PolicyCompiler.Compile(definition, ModelOutput.Schema, killSwitch);
        var simulation = new Simulation(clock, options.Seed);
        var directory = ReviewerPool.Directory();

        output.WriteLine(string.Create(Invariant, $"Hitl.Policy quickstart: {options.Count:N0} model outputs (seed {options.Seed}) through policy '{policy.PolicyId}' {policy.PolicyVersion}"));
        output.WriteLine(string.Create(Invariant, $"  action types: {string.Join(", ", policy.ActionTypes)}; reviewer tiers: {string.Join(" < ", policy.Tiers)}"));
        output.WriteLine(options.UseSqlite
            ? string.Create(Invariant, $"  cases and audit trail in {databasePath} (SQLite); the trail is exported to {TrailFileName} at the end")
            : string.Create(Invariant, $"  audit trail in {trailPath} (JSON Lines); cases in memory, so there is no restart in this run"));
        foreach (var previous in kept)
        {
            output.WriteLine(string.Create(Invariant, $"  the previous file was kept as {previous}"));
        }

        var items = ModelOutputStream.Generate(options.Count, options.Seed).ToArray();
        var engageAt = options.Count * 4 / 10;
        var releaseAt = options.Count / 2;
        var restartAt = options.UseSqlite ? options.Count * 6 / 10 : -1;
        var contestAt = options.Count * 7 / 10;
        ModelOutput? escalatedExample = null;
        List<string> pendingAtEnd;
        List<AuditRecord> records;
        Restart? restart = null;
        var line = new ProgressLine(progress, items.Length);
        var stores = await Stores.OpenAsync(options.UseSqlite, databasePath, trailPath, clock).ConfigureAwait(false);
        try
        {
            ReviewGate<ModelOutput> NewGate() => stores.Gate(new ReviewGateBuilder<ModelOutput>(policy)
                .AddReviewSink(new ReviewerDesk(simulation.OnTicket))
                .AddReviewerDirectory(directory)
                .AddNotificationSink(new InMemoryNotificationSink())
                .SegmentBy(LanguageSegment, static o => o.Language)
                .UseTimeProvider(clock));

            var gate = NewGate();
            await gate.Recovery.ConfigureAwait(false);
            simulation.Gate = gate;
            var switches = new AuditedKillSwitch(killSwitch, stores.Audit, directory);
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

                if (i == restartAt)
                {
                    // A deploy in the middle of the day: the gate and its store go away with cases waiting for people; a
                    // new gate opens the same file and the reviewers, who never noticed, go on deciding them.
                    var before = await stores.OpenCasesAsync().ConfigureAwait(false);
                    gate.Dispose();
                    stores = await stores.ReopenAsync().ConfigureAwait(false);
                    gate = NewGate();
                    await gate.Recovery.ConfigureAwait(false);
                    simulation.Gate = gate;
                    switches = new AuditedKillSwitch(killSwitch, stores.Audit, directory);
                    restart = new Restart(i, clock.GetUtcNow(), before, await stores.OpenCasesAsync().ConfigureAwait(false));
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

            if (restart is not null)
            {
                var outcomes = new List<CaseState>();
                foreach (var id in restart.CarriedOver)
                {
                    outcomes.Add((await gate.GetCaseAsync(id).ConfigureAwait(false))?.State ?? CaseState.Pending);
                }

                restart = restart with { OutcomesAfter = outcomes };
            }

            gate.Dispose();
            records = [];
            await foreach (var record in stores.Audit.ReadAsync().ConfigureAwait(false))
            {
                records.Add(record);
            }

            await stores.ExportTrailAsync().ConfigureAwait(false);
        }
        finally
        {
            await stores.DisposeAsync().ConfigureAwait(false);
        }

        var verification = await JsonLinesAuditStore.VerifyFileAsync(trailPath).ConfigureAwait(false);
        var summary = TrailSummary.From(records);
        var report = new SummaryWriter(output);
        report.Routes(summary);
        report.Reviews(summary);
        report.Timeouts(summary);
        report.KillSwitchAndContest(summary, simulation.ContestedCase);
        if (restart is not null)
        {
            report.Restart(restart, databasePath);
        }

        report.Explain(escalatedExample is null ? null : policy.Explain(escalatedExample));
        var observed = ObservedCases.Collect(records).Cases;
        report.Calibration(Calibrator.Calibrate(observed, definition,
            new CalibrationOptions { Target = SummaryWriter.CalibrationTarget, MinimumSample = SummaryWriter.CalibrationMinimumSample }, clock));
        report.Bias(SegmentAnalyzer.Analyze(observed), trailPath);
        report.Problems(simulation.Refusals, pendingAtEnd);
        report.Trail(options.UseSqlite ? databasePath : null, trailPath, verification, clock.GetUtcNow() - Start, stopwatch.Elapsed);
        return verification.IsIntact ? 0 : 1;
    }

    /// <summary>
    /// Each run starts fresh files; an existing one is never overwritten but renamed to the next free name
    /// (<c>audit.1.jsonl</c>, <c>hitl.1.db</c>, with a database's <c>-wal</c> and <c>-shm</c> files).
    /// </summary>
    private static string? KeepPrevious(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var folder = Path.GetDirectoryName(path)!;
        var stem = Path.GetFileNameWithoutExtension(path);
        var extension = Path.GetExtension(path);
        for (var n = 1; ; n++)
        {
            var target = Path.Combine(folder, string.Create(Invariant, $"{stem}.{n}{extension}"));
            if (!File.Exists(target))
            {
                File.Move(path, target);
                foreach (var side in new[] { "-wal", "-shm" })
                {
                    if (File.Exists(path + side))
                    {
                        File.Move(path + side, target + side);
                    }
                }

                return target;
            }
        }
    }
}
