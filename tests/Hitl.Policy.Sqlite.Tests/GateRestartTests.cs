using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Hitl.Policy.Sqlite.Tests;

/// <summary>
/// A real review gate in a second process, killed with SIGKILL: a new gate on the same file goes on with every case,
/// and every act whose call returned is in the file with its record.
/// </summary>
public sealed class GateRestartTests : IDisposable
{
    private const string Policy = """
        {
          "id": "two-approvals", "version": "1", "tiers": ["agent", "senior"],
          "defaults": {
            "route": "auto-execute",
            "review": { "tier": "agent", "approvals": 2, "deadline": "PT1H", "onTimeout": "escalate" },
            "escalate": { "tier": "senior", "approvals": 1, "deadline": "PT2H", "onTimeout": "block" }
          },
          "actions": { "refund.issue": { "impactTiers": [ { "id": "refund.medium", "amountAtLeast": 1000, "route": "review" } ] } }
        }
        """;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Cases_of_a_killed_process_are_all_listed_fall_back_and_are_approved_in_a_new_process()
    {
        const int Cases = 20;
        var db = _directory.File("restart.db");
        var opened = new List<string>();
        using (var probe = Probe.Start("gate-open", db, "c", Cases.ToString(CultureInfo.InvariantCulture)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await probe.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "ready")
            {
                opened.Add(line["opened ".Length..]);
            }

            probe.Kill(entireProcessTree: true);
            await probe.WaitForExitAsync(timeout.Token);
        }

        Assert.Equal(Cases, opened.Count);

        // Two hours later (the reviews had an hour): the new process's gate applies the passed deadlines as it starts.
        await using var store = SqliteCaseStore.Open("Data Source=" + db);
        using var gate = Gate(store, new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(2)));
        await gate.Recovery;
        var open = await store.QueryAsync(new CaseQuery { States = [CaseState.Pending], Limit = 100 });
        Assert.Equal(opened.Order(StringComparer.Ordinal), open.Cases.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.All(open.Cases, c => Assert.Equal(("senior", true), (c.RequiredTier, c.TimeoutEscalated)));

        foreach (var id in opened)
        {
            var waited = gate.WaitForOutcomeAsync(id).AsTask();
            await gate.ApproveAsync(new HumanAct(id, "sam", "ok"));
            var outcome = await waited.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(outcome.Execute, id);
        }

        var records = await store.Audit.ReadAsync().ToListAsync();
        Assert.All(opened, id => Assert.Equal([ActKind.Decided, ActKind.TimedOut, ActKind.Approved], records.Where(r => r.Entry.CaseId == id).Select(r => r.Entry.Act)));
        Assert.True((await store.Audit.VerifyAsync()).IsIntact);
    }

    [Fact]
    public async Task Every_act_that_returned_before_a_kill_is_in_the_file_with_its_record()
    {
        const int Kills = 50;
        var db = _directory.File("acts.db");
        var random = new Random(20261201);
        var reported = new Dictionary<string, string>(StringComparer.Ordinal); // case id -> last act reported
        for (var run = 0; run < Kills; run++)
        {
            using (var probe = Probe.Start("gate-acts", db, "r" + run.ToString(CultureInfo.InvariantCulture), "2"))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var killAfter = random.Next(0, 10);
                for (var lines = 0; lines < killAfter; lines++)
                {
                    var line = await probe.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException("The probe ended before it was killed: " + await probe.StandardError.ReadToEndAsync(timeout.Token));
                    Note(reported, line);
                }

                if (random.Next(2) == 0)
                {
                    await Task.Delay(random.Next(1, 20), timeout.Token); // so that some kills land inside an act
                }

                probe.Kill(entireProcessTree: true);
                await probe.WaitForExitAsync(timeout.Token);
                while (await probe.StandardOutput.ReadLineAsync(timeout.Token) is { } rest)
                {
                    Note(reported, rest);
                }
            }

            await using var store = SqliteCaseStore.Open("Data Source=" + db);
            var records = await store.Audit.ReadAsync().ToListAsync();
            var acts = records.GroupBy(r => r.Entry.CaseId).ToDictionary(g => g.Key, g => g.Select(r => r.Entry.Act).ToList(), StringComparer.Ordinal);
            foreach (var (id, last) in reported)
            {
                var stored = await store.GetAsync(id);
                Assert.True(stored is not null, $"run {run}: case {id} was reported {last} but is not in the file");
                var expected = last switch
                {
                    "submitted" => new[] { ActKind.Decided },
                    "approved" => [ActKind.Decided, ActKind.Approved],
                    _ => [ActKind.Decided, ActKind.Approved, ActKind.Executed],
                };
                Assert.Equal(expected, acts[id].Take(expected.Length));
                if (last == "executed")
                {
                    Assert.NotNull(stored.ExecutionReportedAt);
                }
            }

            // No case changed without its record: every commit of this workload writes one record.
            var page = await store.QueryAsync(new CaseQuery { Limit = CaseQuery.MaxLimit });
            string? after = null;
            do
            {
                page = await store.QueryAsync(new CaseQuery { Limit = CaseQuery.MaxLimit, After = after });
                Assert.All(page.Cases, c => Assert.Equal(c.Version, acts.GetValueOrDefault(c.Id)?.Count ?? 0));
                after = page.Next;
            }
            while (after is not null);

            var check = await store.Audit.VerifyAsync();
            Assert.True(check.IsIntact, $"run {run}: {check.Problem}");
        }

        Assert.Contains(reported.Values, v => v == "executed");
    }

    [Fact]
    public async Task Two_gates_on_one_file_decide_a_case_once_and_count_each_reviewer_once()
    {
        var db = _directory.File("two-gates.db");
        await using var first = SqliteCaseStore.Open("Data Source=" + db);
        await using var second = SqliteCaseStore.Open("Data Source=" + db);
        using var a = Gate(first, TimeProvider.System);
        using var b = Gate(second, TimeProvider.System);
        string[] reviewers = ["ann", "aaron", "abe"];
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await a.SubmitAsync(Request("case-" + i.ToString(CultureInfo.InvariantCulture)))).CaseId);
        }

        await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? a : b).ApproveAsync(new HumanAct(id, reviewers[i % 3], "ok"));
            }
            catch (ReviewException ex) when (ex.Code == ReviewErrorCode.CaseClosed)
            {
                // The quorum was reached by others first.
            }
        }))));

        var records = await first.Audit.ReadAsync().ToListAsync();
        foreach (var id in ids)
        {
            var stored = (await first.GetAsync(id))!;
            Assert.Equal(CaseState.Approved, stored.State);
            Assert.Equal(2, stored.Approvers.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(stored.Approvers, records.Where(r => r.Entry.CaseId == id && r.Entry.Act == ActKind.Approved).Select(r => r.Entry.Actor!));
            Assert.Equal(3, stored.Version);
        }

        Assert.True((await first.Audit.VerifyAsync()).IsIntact);
    }

    private static void Note(Dictionary<string, string> reported, string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            reported[line[(space + 1)..]] = line[..space];
        }
    }

    private static ReviewGate<Refund> Gate(ICaseStore store, TimeProvider time) =>
        new ReviewGateBuilder<Refund>(PolicyCompiler.Compile(PolicyJson.Parse(Policy), new SignalSchema<Refund>()
                .ActionType(static (in Refund _) => "refund.issue")
                .Amount(static (in Refund r) => r.Amount)))
            .UseCaseStore(store)
            .AddReviewSink(new InMemoryReviewSink())
            .AddReviewerDirectory(new InMemoryReviewerDirectory(
                Reviewer.Create("ann", "agent", "reviewer"), Reviewer.Create("aaron", "agent", "reviewer"),
                Reviewer.Create("abe", "agent", "reviewer"), Reviewer.Create("sam", "senior", "reviewer")))
            .UseTimeProvider(time)
            .Build();

    private static GateRequest<Refund> Request(string id) => new() { Context = new Refund(2000), Payload = "refund 2000", CaseId = id, Requester = "rita", Subject = "carl" };

    private readonly record struct Refund(double Amount);
}
