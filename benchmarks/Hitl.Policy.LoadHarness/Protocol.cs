using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hitl.Policy.LoadHarness;

/// <summary>
/// What coordinator and workers say to each other. A worker writes <see cref="Ready"/> on a line of its stdout once its
/// store is open and its gate built, waits for <see cref="Go"/> on its stdin, and at the end writes one line:
/// <see cref="ResultPrefix"/> followed by its <see cref="WorkerResult"/> as JSON. Anything else it writes goes to stderr.
/// </summary>
internal static class Protocol
{
    public const string Ready = "ready";
    public const string Go = "go";
    public const string ResultPrefix = "result ";

    /// <summary>The environment variable that names the database (the coordinator passes it to its workers this way, so it is not on a command line).</summary>
    public const string ConnectionVariable = "HITL_POSTGRES_CONNECTION";
}

/// <summary>One worker's results. Counts and latencies are of the operations that completed inside the measured window.</summary>
internal sealed record WorkerResult
{
    public required int Instance { get; init; }

    public required int ProcessId { get; init; }

    public required double WindowSeconds { get; init; }

    /// <summary>Audited decisions written in the window: every record (auto-executed decisions, reviews opened, approvals).</summary>
    public required long Decisions { get; init; }

    public required long AutoExecuted { get; init; }

    public required long ReviewsOpened { get; init; }

    /// <summary>Approvals (acts) in the window.</summary>
    public required long Acts { get; init; }

    /// <summary>Every record this worker wrote, warm-up and the operations still running when the window closed included: the trail must hold the sum over workers.</summary>
    public required long RecordsWritten { get; init; }

    /// <summary>Failed operations, in the warm-up, the window or after it.</summary>
    public required long Errors { get; init; }

    public IReadOnlyList<string> FirstErrors { get; init; } = [];

    public required LatencySummary Submit { get; init; }

    public required LatencySummary Act { get; init; }

    /// <summary>The submit latencies' histogram buckets ([index, count]; see <see cref="LatencyHistogram"/>), so that the coordinator's percentiles are over every sample; left out of the report.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[][]? SubmitBuckets { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[][]? ActBuckets { get; init; }
}

/// <summary>One instance count's run, aggregated over its workers.</summary>
internal sealed record RunResult
{
    public required int Instances { get; init; }

    public required int SubmittersPerInstance { get; init; }

    public required string Schema { get; init; }

    public required double WindowSeconds { get; init; }

    /// <summary>Audited decisions (records) in the window, as the workers counted them.</summary>
    public required long Decisions { get; init; }

    public required double DecisionsPerSecond { get; init; }

    public required long AutoExecuted { get; init; }

    public required long ReviewsOpened { get; init; }

    public required long Acts { get; init; }

    public required double ActsPerSecond { get; init; }

    /// <summary>Records the trail's head moved by between the coordinator's reads at the window's start and end.</summary>
    public required long TrailWindowRecords { get; init; }

    public required double TrailWindowSeconds { get; init; }

    public required double TrailDecisionsPerSecond { get; init; }

    public required LatencySummary Act { get; init; }

    public required LatencySummary Submit { get; init; }

    public required long Errors { get; init; }

    /// <summary>Every record the workers wrote (warm-up and tail included).</summary>
    public required long RecordsWritten { get; init; }

    /// <summary>The trail's highest sequence after the run (<c>audit_head</c>), its rows and their highest sequence.</summary>
    public required long TrailHead { get; init; }

    public required long TrailRows { get; init; }

    public required long TrailMaxSequence { get; init; }

    /// <summary>Whether head, rows and highest sequence all equal <see cref="RecordsWritten"/>.</summary>
    public required bool TrailMatches { get; init; }

    public required bool ChainIntact { get; init; }

    public required long VerifiedRecords { get; init; }

    public required double VerifyMs { get; init; }

    public string? VerifyProblem { get; init; }

    public required bool Passed { get; init; }

    public required IReadOnlyList<WorkerResult> Workers { get; init; }
}

/// <summary>The whole report, as written to <c>--out</c>.</summary>
internal sealed record LoadReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string Machine { get; init; }

    public required string Database { get; init; }

    public required double Seconds { get; init; }

    public required double WarmupSeconds { get; init; }

    public required int Submitters { get; init; }

    public required IReadOnlyList<int> InstanceCounts { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    public required string Markdown { get; init; }

    public required bool Passed { get; init; }

    public bool Interrupted { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(WorkerResult))]
[JsonSerializable(typeof(LoadReport))]
internal sealed partial class HarnessJson : JsonSerializerContext
{
    private static HarnessJson? _indented;

    public static HarnessJson Indented => _indented ??= new HarnessJson(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
