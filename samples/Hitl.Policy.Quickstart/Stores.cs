using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;

namespace Hitl.Policy.Quickstart;

/// <summary>
/// Where the run keeps its cases and trail: one SQLite file (the default; cases survive the restart in the middle of
/// the run), or a JSON Lines trail with the cases in memory (<c>--store jsonl</c>).
/// </summary>
internal sealed class Stores : IAsyncDisposable
{
    private readonly SqliteCaseStore? _sqlite;
    private readonly JsonLinesAuditStore? _jsonl;
    private readonly string _databasePath;
    private readonly string _trailPath;
    private readonly TimeProvider _clock;

    private Stores(SqliteCaseStore? sqlite, JsonLinesAuditStore? jsonl, string databasePath, string trailPath, TimeProvider clock)
    {
        _sqlite = sqlite;
        _jsonl = jsonl;
        _databasePath = databasePath;
        _trailPath = trailPath;
        _clock = clock;
    }

    /// <summary>The trail: the database's, or the JSON Lines file.</summary>
    public IAuditStore Audit => _sqlite?.Audit ?? (IAuditStore)_jsonl!;

    public static async Task<Stores> OpenAsync(bool sqlite, string databasePath, string trailPath, TimeProvider clock) => sqlite
        ? new Stores(OpenDatabase(databasePath), null, databasePath, trailPath, clock)
        : new Stores(null, await JsonLinesAuditStore.OpenAsync(new JsonLinesAuditStoreOptions { Path = trailPath }, clock).ConfigureAwait(false), databasePath, trailPath, clock);

    /// <summary>Adds the stores to a gate and builds it.</summary>
    public ReviewGate<ModelOutput> Gate(ReviewGateBuilder<ModelOutput> builder) =>
        (_sqlite is not null ? builder.UseCaseStore(_sqlite) : builder.AddAuditStore(_jsonl!)).Build();

    /// <summary>The ids of the cases waiting for people (pending or held) in the store.</summary>
    public async Task<IReadOnlyList<string>> OpenCasesAsync()
    {
        var ids = new List<string>();
        if (_sqlite is null)
        {
            return ids;
        }

        string? after = null;
        do
        {
            var page = await _sqlite.QueryAsync(new CaseQuery { States = [CaseState.Pending, CaseState.Held], Limit = CaseQuery.MaxLimit, After = after }).ConfigureAwait(false);
            ids.AddRange(page.Cases.Select(c => c.Id));
            after = page.Next;
        }
        while (after is not null);
        return ids;
    }

    /// <summary>Closes the database and opens it again, as a restarted process would.</summary>
    public async Task<Stores> ReopenAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        return new Stores(OpenDatabase(_databasePath), null, _databasePath, _trailPath, _clock);
    }

    /// <summary>Writes the database's trail as a JSON Lines trail (the interchange format), for the CLI and for diffing runs.</summary>
    public async Task ExportTrailAsync()
    {
        if (_sqlite is null)
        {
            return;
        }

        await using var writer = new StreamWriter(_trailPath, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        await _sqlite.ExportAuditLinesAsync(writer).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync().ConfigureAwait(false);
        }

        if (_jsonl is not null)
        {
            await _jsonl.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// WAL with <c>synchronous=NORMAL</c>: a commit survives the process being killed, and the last commits before a power
    /// cut may be lost; the run is a simulation of thousands of decisions in seconds. A real deployment keeps the default, FULL.
    /// </summary>
    private static SqliteCaseStore OpenDatabase(string path) =>
        SqliteCaseStore.Open("Data Source=" + path, new SqliteCaseStoreOptions { Synchronous = SqliteSynchronous.Normal });
}
