using System.Diagnostics;
using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.PostgreSql.Tests.Support;
using Hitl.Policy.Review;
using Npgsql;
using Xunit.Abstractions;

namespace Hitl.Policy.PostgreSql.Tests;

/// <summary>
/// Several instances of a service, each a real process with its own gate over its own PostgreSQL store on one schema:
/// reviewers on any instance decide the cases of every instance, one instance is killed with SIGKILL and started again,
/// and afterwards the database shows no case lost, none decided twice, nothing executed without an approval, and one
/// intact chain.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MultiInstanceTests(PostgresFixture db, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan FinishWithin = TimeSpan.FromSeconds(120);
    private readonly string directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "hitl-multi-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>Removes the instances' files, unless HITL_KEEP_PROBE_LOGS is set (then it says where they are).</summary>
    public void Dispose()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HITL_KEEP_PROBE_LOGS")))
        {
            Directory.Delete(directory, recursive: true);
        }
        else
        {
            output.WriteLine("The instances' files are kept in " + directory);
        }
    }

    [Fact]
    public async Task Three_instances_one_killed_and_restarted_lose_no_case_decide_each_once_and_execute_only_what_was_approved()
    {
        const int Instances = 3;
        const int Total = 300;
        const int Seed = 20261123;
        const int Victim = 1;
        var schema = PostgresFixture.NewSchema();
        await using (PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema }))
        {
            // The schema, made before the instances start (they would make it too, one at a time under the advisory lock).
        }

        var logs = Enumerable.Range(0, Instances).Select(i => Path.Combine(directory, $"instance-{i}.log")).ToArray();
        ProbeProcess StartInstance(int instance, string name) => ProbeProcess.Start(name, db.Database,
            "run", schema, Num(instance), Num(Instances), Num(Total), Num(Seed), logs[instance], "15", "300");

        var clock = Stopwatch.StartNew();
        var running = new List<ProbeProcess>();
        long atKill;
        (long Cases, long Open) victimAtKill;
        TimeSpan killedAt;
        DateTimeOffset killedUtc;
        DateTimeOffset restartedUtc;
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                running.Add(StartInstance(i, $"instance {i}"));
            }

            // Kill once at least a third of the cases exist: the victim has submitted some, and some of them are open.
            while ((atKill = await CountAsync(schema, "")) < Total / 3)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Only {atKill} cases after 60 s. {string.Join(" ", running.Select(p => p.Describe()))}");
                Assert.All(running, p => Assert.False(p.HasExited, $"{p.Name} exited early. {p.Describe()}"));
                await Task.Delay(10);
            }

            var victim = running[Victim];
            Assert.False(victim.HasExited, $"{victim.Name} had finished before the kill. {victim.Describe()}");
            victim.Kill();
            killedAt = clock.Elapsed;
            await victim.WaitForExitAsync(TimeSpan.FromSeconds(10));
            killedUtc = DateTimeOffset.UtcNow;
            victimAtKill = (await CountAsync(schema, $"WHERE id LIKE 'm-{Victim}-%'"), await CountAsync(schema, $"WHERE id LIKE 'm-{Victim}-%' AND is_open"));

            // Down for a second, as an orchestrator would restart it: meanwhile the other instances decide its open cases.
            await Task.Delay(TimeSpan.FromSeconds(1));
            restartedUtc = DateTimeOffset.UtcNow;
            var restarted = StartInstance(Victim, $"instance {Victim} (restarted)");
            running.Add(restarted);
            foreach (var probe in new[] { running[0], running[2], restarted })
            {
                var left = FinishWithin - clock.Elapsed;
                Assert.Equal(0, await probe.WaitForExitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero));
                Assert.True(probe.Errors.Length == 0, probe.Describe());
            }
        }
        finally
        {
            foreach (var probe in running)
            {
                await probe.DisposeAsync();
            }
        }

        var finished = clock.Elapsed;

        // What the instances said they did, from their own files (the restarted instance appended to the victim's).
        var said = Enumerable.Range(0, Instances)
            .SelectMany(i => File.ReadAllLines(logs[i]).Where(line => line.EndsWith("ms", StringComparison.Ordinal)).Select(line => (Instance: i, Words: line.Split(' '))))
            .ToList();
        var opened = said.Where(s => s.Words[0] == "opened").Select(s => s.Words[1]).ToList();
        var found = said.Where(s => s.Words[0] == "found").Select(s => s.Words[1]).ToList();
        var decidedLines = said.Where(s => s.Words[0] == "decided").ToList();
        var refusals = said.Where(s => s.Words[0] == "refused").GroupBy(s => s.Words[2]).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var conflicts = said.Where(s => s.Words[0] == "conflicts-retried").Sum(s => int.Parse(s.Words[1], CultureInfo.InvariantCulture));
        Assert.DoesNotContain(said, s => s.Words[0] == "problem");
        var executed = said.Where(s => s.Words[0] == "executed").GroupBy(s => s.Words[1], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        // What the database holds.
        await using var store = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        var cases = await AllCasesAsync(store);
        var records = await store.Audit.ReadAsync().ToListAsync();
        var byCase = records.GroupBy(r => r.Entry.CaseId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var expected = Enumerable.Range(0, Instances).SelectMany(i => Enumerable.Range(0, Total / Instances).Select(n => $"m-{i}-{n}")).ToList();

        // 0 cases lost: every case an instance opened is there, and so is every case of every instance's share, decided.
        Assert.All(opened, id => Assert.True(cases.ContainsKey(id), $"case {id} was opened but is not in the store"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), cases.Keys.Order(StringComparer.Ordinal));
        Assert.All(cases.Values, c => Assert.False(c.IsOpen, $"case {c.Id} is still {c.State}"));

        // 0 decided twice: at most one closing act per case (one approval decides), the one that matches its state.
        foreach (var c in cases.Values)
        {
            var acts = byCase[c.Id];
            var approvals = acts.Count(r => r.Entry.Act == ActKind.Approved);
            var rejections = acts.Count(r => r.Entry.Act == ActKind.Rejected);
            Assert.True(approvals <= c.RequiredApprovals && approvals + rejections <= 1, $"case {c.Id} has {approvals} approvals and {rejections} rejections");
            Assert.Equal(c.State switch { CaseState.Approved => (1, 0), CaseState.Rejected => (0, 1), _ => (0, 0) }, (approvals, rejections));
            Assert.Equal(ActKind.Decided, acts[0].Entry.Act);
        }

        // Every act an instance saw return is the one on record, by the same reviewer.
        foreach (var (_, words) in decidedLines)
        {
            var closing = byCase[words[1]].Single(r => r.Entry.Act is ActKind.Approved or ActKind.Rejected);
            Assert.Equal((words[2], words[3]), (closing.Entry.Act.ToString(), closing.Entry.Actor!));
        }

        // 0 executed without approval, and every effect run exactly once: approved (with its approval on record) or auto-executed.
        Assert.All(executed, e => Assert.True(e.Value == 1, $"case {e.Key} was executed {e.Value} times"));
        foreach (var id in executed.Keys)
        {
            var c = cases[id];
            var acts = byCase[id];
            var approved = c.State == CaseState.Approved && acts.Any(r => r.Entry.Act == ActKind.Approved) && acts.All(r => r.Entry.Act != ActKind.Rejected);
            var automatic = c.State == CaseState.AutoExecuted && acts[0].Entry is { Act: ActKind.Decided, Route: RouteLevel.AutoExecute };
            Assert.True(approved || automatic, $"case {id} was executed but is {c.State} ({string.Join(", ", acts.Select(r => r.Entry.Act))})");
        }

        var shouldRun = cases.Values.Where(c => c.State is CaseState.Approved or CaseState.AutoExecuted).Select(c => c.Id).Order(StringComparer.Ordinal);
        Assert.Equal(shouldRun, executed.Keys.Order(StringComparer.Ordinal));

        // One chain: sequences 1..n, none shared, no gap, and it verifies.
        var sequences = records.Select(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(sequences[^1], check.RecordCount);

        // Acts that arrived at an instance other than the one that opened the case.
        var closingActs = records.Where(r => r.Entry.Act is ActKind.Approved or ActKind.Rejected).ToList();
        var elsewhere = closingActs.Count(r => InstanceOf(r.Entry.Actor!) is { } at && at != InstanceOf(r.Entry.CaseId["m-".Length..]));
        var byShared = closingActs.Count(r => r.Entry.Actor == "pat");
        Assert.True(elsewhere > 0, "no case was decided on an instance other than the one that opened it");
        var whileDown = closingActs.Count(r => r.Entry.CaseId.StartsWith($"m-{Victim}-", StringComparison.Ordinal) && r.Entry.At >= killedUtc && r.Entry.At < restartedUtc);
        var victimLines = File.ReadAllLines(logs[Victim]);
        var executedAfterRestart = victimLines.SkipWhile(l => !l.Contains(" resumed True ", StringComparison.Ordinal)).Count(l => l.StartsWith("executed ", StringComparison.Ordinal));

        output.WriteLine($"{Total} cases by {Instances} instances; instance {Victim} killed at {killedAt.TotalSeconds:F1} s with {atKill} cases in the store ({victimAtKill.Cases} of its {Total / Instances}, {victimAtKill.Open} open), down 1 s (its cases decided meanwhile on the others: {whileDown}), restarted (it then executed {executedAfterRestart} of its cases); all finished at {finished.TotalSeconds:F1} s.");
        output.WriteLine($"store: {string.Join(", ", cases.Values.GroupBy(c => c.State).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; lost 0.");
        output.WriteLine($"logged: opened {opened.Count}, found again after the restart {found.Count}, decided {decidedLines.Count}, refused {refusals.Values.Sum()} ({string.Join(", ", refusals.Select(r => $"{r.Key} {r.Value}"))}), executed {executed.Count}; acts that lost a version race and read the case again {conflicts}.");
        output.WriteLine($"trail: {records.Count} records, intact {check.IsIntact}; closing acts {closingActs.Count} (decided twice: 0), on another instance than the opener {elsewhere}, by the shared reviewer {byShared}; executions reported {records.Count(r => r.Entry.Act == ActKind.Executed)}.");
    }

    [Fact]
    public async Task Three_instances_approving_the_same_cases_at_the_same_moment_approve_each_exactly_once()
    {
        const int Cases = 40;
        const int Instances = 3;
        var schema = PostgresFixture.NewSchema();
        await using (var opener = ProbeProcess.Start("opener", db.Database, "open", schema, "race", Num(Cases)))
        {
            Assert.Equal(0, await opener.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(Cases, opener.Lines.Count(l => l.StartsWith("opened race-", StringComparison.Ordinal) && l.EndsWith(" Pending", StringComparison.Ordinal)));
        }

        var racers = new List<ProbeProcess>();
        var clock = new Stopwatch();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                racers.Add(ProbeProcess.Start($"racer {i}", db.Database, "race", schema, Num(i), "race", Num(Cases)));
            }

            foreach (var racer in racers)
            {
                await racer.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(60));
            }

            clock.Start();
            await Task.WhenAll(racers.Select(r => r.SendLineAsync("go")));
            foreach (var racer in racers)
            {
                Assert.Equal(0, await racer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            }

            clock.Stop();
        }
        finally
        {
            foreach (var racer in racers)
            {
                await racer.DisposeAsync();
            }
        }

        var lines = racers.SelectMany((r, i) => r.Lines.Select(l => (Instance: i, Words: l.Split(' ')))).Where(l => l.Words[0] is "approved" or "refused").ToList();
        await using var store = PostgreSqlCaseStore.Open(db.Database, new PostgreSqlCaseStoreOptions { Schema = schema, ListenForChanges = false });
        var records = await store.Audit.ReadAsync().ToListAsync();
        for (var n = 0; n < Cases; n++)
        {
            var id = "race-" + Num(n);
            var acts = lines.Where(l => l.Words[1] == id).ToList();
            Assert.Equal(Instances, acts.Count);
            var won = Assert.Single(acts, l => l.Words[0] == "approved");
            Assert.All(acts.Where(l => l.Words[0] == "refused"), l => Assert.Contains(l.Words[2], new[] { nameof(ReviewErrorCode.CaseClosed), nameof(ReviewErrorCode.Conflict) }));
            var approval = Assert.Single(records, r => r.Entry.CaseId == id && r.Entry.Act == ActKind.Approved);
            Assert.Equal(won.Words[2], approval.Entry.Actor);
            Assert.Equal(CaseState.Approved, (await store.GetAsync(id))!.State);
        }

        var check = await store.Audit.VerifyAsync();
        Assert.True(check.IsIntact, check.Problem);
        Assert.Equal(records.Count, check.RecordCount);
        Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));

        var wins = lines.Where(l => l.Words[0] == "approved").GroupBy(l => l.Instance).OrderBy(g => g.Key).Select(g => $"racer {g.Key} {g.Count()}");
        var refusals = lines.Where(l => l.Words[0] == "refused").GroupBy(l => l.Words[2]).Select(g => $"{g.Key} {g.Count()}");
        var conflicts = racers.Sum(r => r.Lines.Where(l => l.StartsWith("conflicts-retried ", StringComparison.Ordinal)).Sum(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)));
        Assert.All(racers, r => Assert.DoesNotContain(r.Lines, l => l.StartsWith("problem ", StringComparison.Ordinal)));
        output.WriteLine($"{Cases} cases, each approved by {Instances} processes at once in {clock.Elapsed.TotalMilliseconds:F0} ms: one approval per case ({string.Join(", ", wins)}), refused {lines.Count(l => l.Words[0] == "refused")} ({string.Join(", ", refusals)}); acts that lost a version race and read the case again: {conflicts}; trail {records.Count} records, intact.");
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The instance a reviewer works on (agent-1-a, senior-1), or that opened a case (1-17); null for the shared reviewer.</summary>
    private static int? InstanceOf(string name)
    {
        var parts = name.Split('-');
        var digits = parts.FirstOrDefault(p => p.Length > 0 && p.All(char.IsAsciiDigit));
        return digits is null ? null : int.Parse(digits, CultureInfo.InvariantCulture);
    }

    private async Task<long> CountAsync(string schema, string where)
    {
        await using var connection = new NpgsqlConnection(db.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".cases {where}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, CaseRecord>> AllCasesAsync(PostgreSqlCaseStore store)
    {
        var cases = new Dictionary<string, CaseRecord>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var page = await store.QueryAsync(new CaseQuery { Limit = CaseQuery.MaxLimit, After = after });
            foreach (var c in page.Cases)
            {
                cases.Add(c.Id, c);
            }

            after = page.Next;
        }
        while (after is not null);
        return cases;
    }
}
