namespace Hitl.Policy.Audit;

/// <summary>Options of <see cref="JsonLinesAuditStore"/>.</summary>
public sealed class JsonLinesAuditStoreOptions
{
    /// <summary>The trail file: one JSON record per line. Created when missing (its directory must exist).</summary>
    /// <value>The default value is <see langword="null"/>; a path is required.</value>
    public string? Path { get; set; }

    /// <summary>
    /// Whether appends that arrive together share one flush to disk. Every append still completes only after its own
    /// record is on disk, so the guarantee is the same; the difference is throughput under parallel appends, and that a
    /// crash may leave several complete records whose appends were never acknowledged instead of at most one.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: one flush per record.</value>
    public bool GroupCommit { get; set; }

    /// <summary>With <see cref="GroupCommit"/>, the most records written and flushed together.</summary>
    /// <value>The default value is 256.</value>
    public int GroupCommitMaxRecords { get; set; } = 256;

    /// <summary>Opens the data file; tests swap it to make writes fail.</summary>
    internal Func<string, FileStream>? OpenDataFile { get; set; }
}
