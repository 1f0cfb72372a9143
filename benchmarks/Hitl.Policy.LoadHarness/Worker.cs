using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hitl.Policy.PostgreSql;
using Hitl.Policy.Review;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// One instance of the service: its own <see cref="PostgreSqlCaseStore"/> and gate on the coordinator's schema, driven
/// by <c>--submitters</c> loops. Says <see cref="Protocol.Ready"/>, waits for <see cref="Protocol.Go"/>, warms up, measures
/// the window, finishes what is running and reports one line.
/// </summary>
internal static class Worker
{
    /// <summary>Every how many iterations a loop submits a review case and approves it.</summary>
    private const int ReviewEvery = 10;

    private const int ErrorSamples = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = new Arguments(args, new HashSet<string>(StringComparer.Ordinal));
        var connection = arguments.Text("connection") ?? Environment.GetEnvironmentVariable(Protocol.ConnectionVariable)
            ?? throw new UsageException($"worker: give --connection or set {Protocol.ConnectionVariable}.");
        var schema = arguments.Text("schema") ?? throw new UsageException("worker: --schema is required.");
        var instance = arguments.Integer("instance", 0, 0, 1000);
        var seconds = arguments.Number("seconds", 15, 0.1, 86_400);
        var warmup = arguments.Number("warmup", 2, 0, 3_600);
        var submitters = arguments.Integer("submitters", 32, 1, 4096);
        arguments.RejectUnknown();

        // Never outlive the coordinator: when its end of stdin closes (it exited, or was killed), so does this process.
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reported = 0;
        var stdin = new Thread(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (string.Equals(line.Trim(), Protocol.Go, StringComparison.Ordinal))
                {
                    started.TrySetResult(true);
                }
            }

            if (Volatile.Read(ref reported) == 0)
            {
                Environment.Exit(3);
            }
        })
        { IsBackground = true, Name = "stdin" };

        // And never run on by itself: a coordinator that stopped answering is gone.
        var lifetime = TimeSpan.FromSeconds(warmup + seconds + 300);
        using var watchdog = new Timer(static _ => Environment.Exit(4), null, lifetime, Timeout.InfiniteTimeSpan);

        await using var store = PostgreSqlCaseStore.Open(connection, new PostgreSqlCaseStoreOptions { Schema = schema, GroupCommit = true, ListenForChanges = true });
        var sink = new CountingReviewSink();
        using var gate = new ReviewGateBuilder<Refund>(LoadPolicy.Compile())
            .UseCaseStore(store)
            .AddReviewSink(sink)
            .AddReviewerDirectory(LoadPolicy.Reviewers())
            .Build();
        await gate.Recovery.ConfigureAwait(false);

        stdin.Start();
        await Console.Out.WriteLineAsync(Protocol.Ready).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        await started.Task.ConfigureAwait(false);

        var go = Stopwatch.GetTimestamp();
        var window = new Window(
            go + (long)(warmup * Stopwatch.Frequency),
            go + (long)((warmup + seconds) * Stopwatch.Frequency));
        var loops = new Task<LoopResult>[submitters];
        for (var i = 0; i < loops.Length; i++)
        {
            var loop = i;
            loops[i] = Task.Run(() => LoopAsync(gate, loop, window));
        }

        var total = new LoopResult();
        foreach (var result in await Task.WhenAll(loops).ConfigureAwait(false))
        {
            total.Add(result);
        }

        var report = new WorkerResult
        {
            Instance = instance,
            ProcessId = Environment.ProcessId,
            WindowSeconds = seconds,
            Decisions = total.AutoExecuted + total.ReviewsOpened + total.Acts,
            AutoExecuted = total.AutoExecuted,
            ReviewsOpened = total.ReviewsOpened,
            Acts = total.Acts,
            RecordsWritten = total.RecordsWritten,
            Errors = total.Errors,
            FirstErrors = total.FirstErrors,
            Submit = total.Submit.Summary(),
            Act = total.Act.Summary(),
            SubmitBuckets = total.Submit.ToBuckets(),
            ActBuckets = total.Act.ToBuckets(),
        };
        Volatile.Write(ref reported, 1);
        await Console.Out.WriteLineAsync(Protocol.ResultPrefix + JsonSerializer.Serialize(report, HarnessJson.Default.WorkerResult)).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<LoopResult> LoopAsync(ReviewGate<Refund> gate, int loop, Window window)
    {
        var auto = LoadPolicy.Request(10);
        var review = LoadPolicy.Request(2000);
        var result = new LoopResult();

        // Loops start at different points of the cycle, so that their reviews do not all come at once.
        var iteration = (long)loop;
        while (Stopwatch.GetTimestamp() < window.End)
        {
            iteration++;
            var isReview = iteration % ReviewEvery == 0;
            string? caseId = null;
            try
            {
                var start = Stopwatch.GetTimestamp();
                var submitted = await gate.SubmitAsync(isReview ? review : auto).ConfigureAwait(false);
                var end = Stopwatch.GetTimestamp();
                result.RecordsWritten++;
                caseId = submitted.CaseId;
                var expected = isReview ? GateDisposition.Pending : GateDisposition.Execute;
                if (submitted.Disposition != expected)
                {
                    throw new InvalidOperationException($"A submit of case {caseId} came back {submitted.Disposition}, not {expected}.");
                }

                if (window.Contains(end))
                {
                    result.Submit.Record(start, end);
                    if (isReview)
                    {
                        result.ReviewsOpened++;
                    }
                    else
                    {
                        result.AutoExecuted++;
                    }
                }

                if (isReview)
                {
                    var reviewer = LoadPolicy.Approvers[(iteration / ReviewEvery) % LoadPolicy.Approvers.Length];
                    start = Stopwatch.GetTimestamp();
                    var view = await gate.ApproveAsync(new HumanAct(caseId, reviewer, "ok")).ConfigureAwait(false);
                    end = Stopwatch.GetTimestamp();
                    result.RecordsWritten++;
                    if (view.State != CaseState.Approved)
                    {
                        throw new InvalidOperationException($"The approval of case {caseId} by {reviewer} left it {view.State}, not Approved.");
                    }

                    if (window.Contains(end))
                    {
                        result.Act.Record(start, end);
                        result.Acts++;
                    }
                }
            }
#pragma warning disable CA1031 // A load harness counts every failure and goes on; the coordinator fails the run on any.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                result.Errors++;
                if (result.FirstErrors.Count < ErrorSamples)
                {
                    result.FirstErrors.Add(string.Create(CultureInfo.InvariantCulture, $"loop {loop}, case {caseId ?? "(none)"}: {ex.GetType().Name}: {ex.Message}"));
                }
            }
        }

        return result;
    }

    /// <summary>The measured window, in Stopwatch timestamps: an operation counts when it completes in [Start, End).</summary>
    private readonly record struct Window(long Start, long End)
    {
        public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;
    }

    private sealed class LoopResult
    {
        public long AutoExecuted { get; set; }

        public long ReviewsOpened { get; set; }

        public long Acts { get; set; }

        public long RecordsWritten { get; set; }

        public long Errors { get; set; }

        public List<string> FirstErrors { get; } = [];

        public LatencyHistogram Submit { get; } = new();

        public LatencyHistogram Act { get; } = new();

        public void Add(LoopResult other)
        {
            AutoExecuted += other.AutoExecuted;
            ReviewsOpened += other.ReviewsOpened;
            Acts += other.Acts;
            RecordsWritten += other.RecordsWritten;
            Errors += other.Errors;
            FirstErrors.AddRange(other.FirstErrors.Take(ErrorSamples - FirstErrors.Count));
            Submit.Add(other.Submit);
            Act.Add(other.Act);
        }
    }
}
