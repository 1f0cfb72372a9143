using System.Globalization;
using Hitl.Policy;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

// probe crash PATH PREFIX WRITERS: WRITERS tasks each create the case PREFIX-w and update it in a loop, every commit with
//   two audit records; after each commit that returned it prints "PREFIX-w VERSION". Runs until it is killed.
// probe count PATH CASE TIMES: increments the counter case CASE (created by whoever comes first) TIMES times,
//   reading it, committing from the version read and retrying on a conflict; prints "done CONFLICTS" at the end.
// probe gate-open PATH PREFIX N: a review gate on the file submits N cases to review (PREFIX-0 ...), printing
//   "opened ID" after each submit returned, then "ready", and waits to be killed.
// probe gate-acts PATH PREFIX WORKERS: WORKERS tasks each submit a case to review, approve it and report its execution,
//   over and over, printing "submitted ID", "approved ID", "executed ID" after each call returned. Runs until killed.
if (args.Length == 4 && args[0] is "gate-open" or "gate-acts")
{
    return await GateProbe.RunAsync(args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
}

if (args.Length != 4 || args[0] is not ("crash" or "count"))
{
    Console.Error.WriteLine("usage: probe crash PATH PREFIX WRITERS | probe count PATH CASE TIMES | probe gate-open PATH PREFIX N | probe gate-acts PATH PREFIX WORKERS");
    return 2;
}

var start = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
var output = new object();
await using var store = SqliteCaseStore.Open("Data Source=" + args[1]);
if (args[0] == "count")
{
    var conflicts = 0;
    for (var i = 0; i < int.Parse(args[3], CultureInfo.InvariantCulture); i++)
    {
        while (true)
        {
            var current = await store.GetAsync(args[2]);
            var next = current ?? NewCase(args[2], start);
            try
            {
                await store.CommitAsync(new CaseCommit { Case = next with { Round = current is null ? 1 : current.Round + 1 }, Entries = [Entry(args[2], ActKind.Approved, start)] });
                break;
            }
            catch (CaseConflictException)
            {
                conflicts++;
            }
        }
    }

    Console.WriteLine("done " + conflicts.ToString(CultureInfo.InvariantCulture));
    return 0;
}

var writers = Enumerable.Range(0, int.Parse(args[3], CultureInfo.InvariantCulture)).Select(w => Task.Run(async () =>
{
    var id = args[2] + "-" + w.ToString(CultureInfo.InvariantCulture);
    var current = NewCase(id, start);
    while (true)
    {
        var result = await store.CommitAsync(new CaseCommit
        {
            Case = current,
            Entries = [Entry(id, ActKind.Approved, start), Entry(id, ActKind.Executed, start)],
        });
        current = result.Case with { Round = result.Case.Round + 1 };
        lock (output)
        {
            Console.Out.WriteLine(id + " " + result.Case.Version.ToString(CultureInfo.InvariantCulture));
            Console.Out.Flush();
        }
    }
}));
await Task.WhenAll(writers);
return 0;

static CaseRecord NewCase(string id, DateTimeOffset at) => new()
{
    Id = id,
    State = CaseState.Pending,
    Route = RouteLevel.Review,
    DecidedRoute = RouteLevel.Review,
    DecidedBy = "probe",
    Tiers = ["reviewer"],
    RequiredTier = "reviewer",
    Payload = "{\"probe\":true}",
    PayloadDigest = new string('a', 64),
    OpenedAt = at,
    RoundOpenedAt = at,
};

static AuditEntry Entry(string id, ActKind act, DateTimeOffset at) => new() { Act = act, CaseId = id, At = at, Actor = "probe" };
