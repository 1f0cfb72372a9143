using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Hitl.Policy.PostgreSql;
using Hitl.Policy.Review;
using Npgsql;

namespace Hitl.Policy.Samples.MultiInstance;

/// <summary>What to run the demo against.</summary>
public sealed record DemoSettings
{
    /// <summary>The default schema.</summary>
    public const string DefaultSchema = "hitl_sample";

    /// <summary>The PostgreSQL connection string.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema both instances keep their cases in.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Whether the schema is dropped first, so that the demo starts on an empty store.</summary>
    public bool Fresh { get; init; }
}

/// <summary>What the demo measured.</summary>
/// <param name="ReviewCaseId">The case that went to review.</param>
/// <param name="ApprovalSeenMs">How long after B's reviewer began the approval A's wait returned with the outcome.</param>
/// <param name="KillSwitchSeenMs">How long after B's operator began to engage the kill switch A's gate followed it.</param>
/// <param name="ReleaseSeenMs">How long after B's operator began to release it A's gate followed.</param>
/// <param name="HeldForReview">Whether A's refund that would have run alone went to review while the switch was on.</param>
/// <param name="Records">How many records the shared audit trail has.</param>
/// <param name="Intact">Whether the trail's chain verifies.</param>
public sealed record DemoReport(string ReviewCaseId, double ApprovalSeenMs, double KillSwitchSeenMs, double ReleaseSeenMs, bool HeldForReview, long Records, bool Intact);

/// <summary>
/// Two instances of a refund service in one process, as two deployments would run them: each has its own
/// <see cref="PostgreSqlCaseStore"/> and its own review gate on the same database. A takes the model's refunds and
/// executes what the gate allows; B is where the reviewers and the operator work. A decision or a kill switch change on
/// B reaches A through the database (LISTEN/NOTIFY), not through memory: the instances share nothing else.
/// </summary>
public static partial class MultiInstanceDemo
{
    /// <summary>How often a gate reads the store when no notification came: a fallback, kept slow so that what the demo measures is the notification.</summary>
    private static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Runs the demo, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="settings">The database and the schema.</param>
    /// <param name="output">Where the story goes, one plain line per event.</param>
    /// <param name="cancellationToken">Stops the demo.</param>
    /// <returns>What was measured.</returns>
    /// <exception cref="CaseStoreException">The database cannot be reached or written.</exception>
    public static async Task<DemoReport> RunAsync(DemoSettings settings, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        if (!SchemaName().IsMatch(settings.Schema))
        {
            throw new ArgumentException($"The schema must be lower-case letters, digits and underscores, starting with a letter or an underscore (at most 48), found '{settings.Schema}'.", nameof(settings));
        }

        if (settings.Fresh)
        {
            await DropSchemaAsync(settings, cancellationToken).ConfigureAwait(false);
        }

        var run = Guid.NewGuid().ToString("N")[..6];
        var people = RefundPolicy.People();
        await ReleaseLeftOverSwitchAsync(settings, people, output, cancellationToken).ConfigureAwait(false);
        await using var a = Instance.Open("A", settings, people);
        await using var b = Instance.Open("B", settings, people);
        await a.Gate.Recovery.ConfigureAwait(false);
        await b.Gate.Recovery.ConfigureAwait(false);
        await output.WriteLineAsync($"Two instances of the refund service on {a.Store.Name}{(settings.Fresh ? ", recreated" : "")}: A takes the model's refunds, B is where reviewers and operators work. Each has its own store and gate; they share only the database.").ConfigureAwait(false);

        // 1. A submits the model's refunds: the small ones run at once, the large one waits for a person.
        await output.WriteLineAsync("-- A submits the model's refunds").ConfigureAwait(false);
        Refund[] refunds =
        [
            new(1001, 19.99m, "damaged", "Customer sent a photo of the broken mug."),
            new(1002, 42.50m, "late-delivery", "Parcel arrived nine days late; the delivery promise was refundable."),
            new(1003, 1250.00m, "returned", "Laptop returned unopened within 14 days; full refund."),
        ];
        Task<CaseOutcome>? waiting = null;
        Refund? inReview = null;
        string? reviewId = null;
        foreach (var refund in refunds)
        {
            var result = await a.Gate.SubmitAsync(refund.Request(run), cancellationToken).ConfigureAwait(false);
            if (result.Disposition == GateDisposition.Execute)
            {
                await output.WriteLineAsync($"[A] {result.CaseId}: {refund.Shown} -> {result.Route.ToJsonName()} by {result.Decision.DecidedBy}; A executes it now").ConfigureAwait(false);
                await a.ExecuteAsync(result.CaseId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"[A] {result.CaseId}: {refund.Shown} -> {result.Route.ToJsonName()} by {result.Decision.DecidedBy} (tier {result.Ticket?.RequiredTier}); A waits for the outcome").ConfigureAwait(false);
                (inReview, reviewId) = (refund, result.CaseId);
                waiting = a.Gate.WaitForOutcomeAsync(result.CaseId, cancellationToken).AsTask();
            }
        }

        if (waiting is null || reviewId is null || inReview is null)
        {
            throw new InvalidOperationException("The policy sent none of the refunds to review.");
        }

        // 2. On B, rosa takes her next case, which is A's, and approves it; A's wait returns.
        await output.WriteLineAsync("-- B: a reviewer takes the next case").ConfigureAwait(false);
        var claimed = await b.ClaimAsync("rosa", reviewId, output, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"[B] rosa claimed {claimed.CaseId} (needs tier {claimed.RequiredTier}, {claimed.RequiredApprovals} approval)").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var seen = waiting.ContinueWith(_ => clock.Elapsed, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await b.Gate.ApproveAsync(new HumanAct(reviewId, "rosa", "return-received", "The warehouse confirmed the return; full refund is due."), cancellationToken).ConfigureAwait(false);
        var approvedIn = clock.Elapsed;
        await output.WriteLineAsync($"[B] rosa approved {reviewId} ({Ms(approvedIn)} ms to record)").ConfigureAwait(false);
        var outcome = await waiting.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        var approvalSeen = await seen.ConfigureAwait(false);
        await output.WriteLineAsync($"[A] outcome of {reviewId}: {outcome.State} by {outcome.DecidedBy}, seen on A {Ms(approvalSeen)} ms after rosa began on B; A executes {inReview.Shown}").ConfigureAwait(false);
        if (outcome.Execute)
        {
            await a.ExecuteAsync(reviewId, cancellationToken).ConfigureAwait(false);
        }

        // 3. On B, olga engages the kill switch; A follows it, and its next small refund waits for a person.
        await output.WriteLineAsync("-- B: an operator stops automatic refunds").ConfigureAwait(false);
        var killSwitch = new AuditedKillSwitch(b.Gate.KillSwitch, b.Store.Audit, people);
        var engagedOnA = a.NextSwitchChange(engaged: true);
        clock.Restart();
        var engaged = await killSwitch.EngageAsync(RefundPolicy.ActionType, "olga", "Refund model 7 refunds too generously since this morning's release.", cancellationToken).ConfigureAwait(false);
        var engagedIn = clock.Elapsed;
        var released = false;
        double switchSeenMs;
        double releaseSeenMs;
        bool heldForReview;
        try
        {
            await output.WriteLineAsync($"[B] olga engaged the kill switch for {RefundPolicy.ActionType} (record {engaged.Sequence}, {Ms(engagedIn)} ms to record)").ConfigureAwait(false);
            var switchSeen = await engagedOnA.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
            switchSeenMs = switchSeen.TotalMilliseconds;
            await output.WriteLineAsync($"[A] A follows the kill switch {Ms(switchSeen)} ms after olga began on B").ConfigureAwait(false);

            var small = new Refund(1004, 12.00m, "damaged", "Two of six glasses broke in transit.");
            var held = await a.Gate.SubmitAsync(small.Request(run), cancellationToken).ConfigureAwait(false);
            heldForReview = held.Disposition == GateDisposition.Pending;
            await output.WriteLineAsync(heldForReview
                ? $"[A] {held.CaseId}: {small.Shown} would run on its own, but the kill switch is on: held for review (route {held.Route.ToJsonName()} by {held.Decision.DecidedBy}); nothing executes"
                : $"[A] {held.CaseId}: {small.Shown} -> {held.Disposition}: the kill switch was NOT followed").ConfigureAwait(false);
            var smallOutcome = a.Gate.WaitForOutcomeAsync(held.CaseId, cancellationToken).AsTask();

            var releasedOnA = a.NextSwitchChange(engaged: false);
            clock.Restart();
            await killSwitch.ReleaseAsync(RefundPolicy.ActionType, "olga", "Rolled back to refund model 6.", cancellationToken).ConfigureAwait(false);
            released = true;
            var releaseSeen = await releasedOnA.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
            releaseSeenMs = releaseSeen.TotalMilliseconds;
            await output.WriteLineAsync($"[B] olga released the kill switch; A follows {Ms(releaseSeen)} ms after she began").ConfigureAwait(false);

            if (heldForReview)
            {
                var next = await b.ClaimAsync("rosa", held.CaseId, output, cancellationToken).ConfigureAwait(false);
                await b.Gate.ApproveAsync(new HumanAct(next.CaseId, "rosa", "damage-plausible", "Photo shows the broken glasses."), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"[B] rosa approved {next.CaseId}").ConfigureAwait(false);
                var result = await smallOutcome.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"[A] outcome of {held.CaseId}: {result.State} by {result.DecidedBy}; A executes {small.Shown}").ConfigureAwait(false);
                if (result.Execute)
                {
                    await a.ExecuteAsync(held.CaseId, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!released)
            {
                // Never leave automation stopped for the next run because this one failed half-way.
                await killSwitch.ReleaseAsync(RefundPolicy.ActionType, "olga", "The demo stopped before its own release.", CancellationToken.None).ConfigureAwait(false);
            }
        }

        // 4. One trail for both instances, one chain.
        var check = await a.Store.Audit.VerifyAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"Audit trail shared by A and B: {check.RecordCount} records, {(check.IsIntact ? "intact" : "BROKEN: " + check.Problem)}").ConfigureAwait(false);
        return new DemoReport(reviewId, approvalSeen.TotalMilliseconds, switchSeenMs, releaseSeenMs, heldForReview, check.RecordCount, check.IsIntact);
    }

    /// <summary>
    /// A run that was stopped between its engage and its release left the refund switch on in the shared store: released
    /// first (on record), so that this run starts as the story needs. A global switch is someone else's: left alone.
    /// </summary>
    private static async Task ReleaseLeftOverSwitchAsync(DemoSettings settings, IReviewerDirectory people, TextWriter output, CancellationToken cancellationToken)
    {
        await using var store = PostgreSqlCaseStore.Open(settings.ConnectionString, new PostgreSqlCaseStoreOptions { Schema = settings.Schema, ListenForChanges = false });
        var shared = (IKillSwitchStore)store.Audit;
        foreach (var change in await shared.ReadKillSwitchAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!change.Engaged)
            {
                continue;
            }

            if (change.ActionType is null)
            {
                throw new InvalidOperationException($"The global kill switch is on in {store.Name} (engaged by {change.Actor}: {change.Reason}); release it, or run with --fresh.");
            }

            if (change.ActionType == RefundPolicy.ActionType)
            {
                await new AuditedKillSwitch(new KillSwitch(), store.Audit, people)
                    .ReleaseAsync(change.ActionType, "olga", "Left on by an interrupted run of the demo.", cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"(An earlier, interrupted run left the kill switch for {change.ActionType} on; released it first.)").ConfigureAwait(false);
            }
        }
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);

    private static async Task DropSchemaAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The name is checked above (lower-case letters, digits, underscores), so quoting it is enough.
        await using var drop = new NpgsqlCommand("DROP SCHEMA IF EXISTS \"" + settings.Schema + "\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();

    /// <summary>One instance of the service: its own store (its own connections and listener) and its own gate.</summary>
    private sealed class Instance(string name, PostgreSqlCaseStore store, ReviewGate<Refund> gate) : IAsyncDisposable
    {
        public string Name { get; } = name;

        public PostgreSqlCaseStore Store { get; } = store;

        public ReviewGate<Refund> Gate { get; } = gate;

        public static Instance Open(string name, DemoSettings settings, IReviewerDirectory people)
        {
            var store = PostgreSqlCaseStore.Open(settings.ConnectionString, new PostgreSqlCaseStoreOptions { Schema = settings.Schema });
            var gate = new ReviewGateBuilder<Refund>(RefundPolicy.Compile())
                .UseCaseStore(store)
                .AddReviewSink(new InMemoryReviewSink())
                .AddReviewerDirectory(people)
                .Configure(o => o.StorePollInterval = FallbackPoll)
                .Build();
            return new Instance(name, store, gate);
        }

        /// <summary>"Executes" the refund (here: nothing to pay) and tells the gate, so that the trail shows when it ran.</summary>
        public async Task ExecuteAsync(string caseId, CancellationToken cancellationToken) =>
            await Gate.ReportExecutedAsync(caseId, "payout-" + caseId, cancellationToken: cancellationToken).ConfigureAwait(false);

        /// <summary>
        /// Claims the reviewer's next case until it is <paramref name="expected"/>: a case an earlier, interrupted run left
        /// pending comes first (its deadline is nearer) and is rejected as stale.
        /// </summary>
        public async Task<ReviewCaseView> ClaimAsync(string reviewer, string expected, TextWriter output, CancellationToken cancellationToken)
        {
            var until = Stopwatch.StartNew();
            while (until.Elapsed < Patience)
            {
                var next = await Gate.ClaimNextAsync(reviewer, cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (next.CaseId == expected)
                {
                    return next;
                }

                await Gate.RejectAsync(new HumanAct(next.CaseId, reviewer, "stale", "Left pending by an earlier run of the demo."), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"[{Name}] {reviewer} rejected {next.CaseId}, left pending by an earlier run").ConfigureAwait(false);
            }

            throw new InvalidOperationException($"{reviewer} was never offered case {expected}.");
        }

        /// <summary>When this instance's gate next follows a kill switch change to <paramref name="engaged"/>: the time since the call.</summary>
        public Task<TimeSpan> NextSwitchChange(bool engaged)
        {
            var clock = Stopwatch.StartNew();
            var seen = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChange(object? sender, KillSwitchChange change)
            {
                if (change.Engaged == engaged && change.ActionType == RefundPolicy.ActionType && seen.TrySetResult(clock.Elapsed))
                {
                    Gate.KillSwitch.Changed -= OnChange;
                }
            }

            Gate.KillSwitch.Changed += OnChange;
            return seen.Task;
        }

        public async ValueTask DisposeAsync()
        {
            Gate.Dispose();
            await Store.DisposeAsync().ConfigureAwait(false);
        }
    }
}
