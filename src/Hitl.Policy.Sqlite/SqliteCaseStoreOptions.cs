using System.Globalization;
using Hitl.Policy.Audit;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Sqlite;

/// <summary>How hard SQLite pushes a commit to disk (<c>PRAGMA synchronous</c>); the store always runs in WAL mode.</summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// <c>PRAGMA synchronous = FULL</c>: the write-ahead log is flushed to disk (fsync) at every commit, so a commit that
    /// returned survives a crash of the process, of the operating system, and a power cut. The default.
    /// </summary>
    Full,

    /// <summary>
    /// <c>PRAGMA synchronous = NORMAL</c>: the log is flushed only when it is checkpointed into the database. A commit that
    /// returned survives a crash of the process (it is in the operating system's cache), but the last commits before an
    /// operating-system crash or a power cut may be lost, whole: the file stays consistent (no half-written case, no
    /// record without its case), it only ends earlier. Faster; keep an <see cref="AuditCheckpoint"/> elsewhere to see such a loss.
    /// </summary>
    Normal,
}

/// <summary>Options of <see cref="SqliteCaseStore"/>.</summary>
public sealed class SqliteCaseStoreOptions
{
    /// <summary>The largest <see cref="MaxGroupSize"/>.</summary>
    public const int MaxGroupSizeLimit = 100_000;

    /// <summary>
    /// The connection string of the database file, for example <c>Data Source=hitl-data/hitl.db</c>. The file is created
    /// when missing, and so is its directory. It must name a file: an in-memory database and <c>Mode=ReadOnly</c> are
    /// refused (use <see cref="SqliteCaseStore.OpenReadOnly(string, AuditKeyRing?)"/> to read a file without writing it). Other keywords
    /// (a <c>Password</c> for an encrypting build of SQLite) pass through; <c>Mode</c>, <c>Pooling</c> and <c>Default Timeout</c>
    /// are set by the store.
    /// </summary>
    /// <value>The default value is <see langword="null"/>; a connection string is required.</value>
    public string? ConnectionString { get; set; }

    /// <summary>How hard a commit is pushed to disk; see <see cref="SqliteSynchronous"/>.</summary>
    /// <value>The default value is <see cref="SqliteSynchronous.Full"/>: a commit that returned survives a power cut.</value>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>
    /// How long a write waits for another connection's write transaction (another store on the file, in this process or
    /// another) before it fails with <see cref="Review.CaseStoreException"/> saying the file is locked
    /// (<c>PRAGMA busy_timeout</c>; the provider's own retry is set to the same time, rounded up to whole seconds).
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether commits that arrive together share one transaction (one flush to disk): a commit that conflicts or is not
    /// valid fails alone, before it writes anything, and the others commit. Every commit still returns
    /// only once it is durable; the difference is throughput under parallel commits.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool GroupCommit { get; set; } = true;

    /// <summary>With <see cref="GroupCommit"/>, the most commits in one transaction: 1 to <see cref="MaxGroupSizeLimit"/>.</summary>
    /// <value>The default value is 256.</value>
    public int MaxGroupSize { get; set; } = 256;

    /// <summary>
    /// The keys of a keyed trail: every record's hash is an HMAC-SHA256 under the active key and carries its id, exactly as
    /// in <see cref="JsonLinesAuditStore"/>. Without keys the trail is a plain SHA-256 chain (the weak mode: anyone who
    /// can write the file can rewrite it so that it verifies; see docs/security.md). A file whose trail is keyed is not
    /// opened without keys, so that it is never continued with weaker records.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: an unkeyed trail.</value>
    public AuditKeyRing? Keys { get; set; }

    /// <summary>Problems found while binding from configuration, each naming its key and value; reported by validation.</summary>
    internal List<string> BindingProblems { get; } = [];

    /// <summary>A copy (so that the store does not change with the caller's instance).</summary>
    internal SqliteCaseStoreOptions Clone()
    {
        var copy = new SqliteCaseStoreOptions
        {
            ConnectionString = ConnectionString,
            Synchronous = Synchronous,
            BusyTimeout = BusyTimeout,
            GroupCommit = GroupCommit,
            MaxGroupSize = MaxGroupSize,
            Keys = Keys,
        };
        copy.BindingProblems.AddRange(BindingProblems);
        return copy;
    }

    /// <summary>Every problem with the options, each naming the option and its value; empty when they are valid.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>(BindingProblems);
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"SqliteCaseStoreOptions.ConnectionString: a connection string naming the database file is required (for example 'Data Source=hitl-data/hitl.db'), found '{ConnectionString}'.");
        }
        else
        {
            try
            {
                var builder = new SqliteConnectionStringBuilder(ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
                {
                    problems.Add($"SqliteCaseStoreOptions.ConnectionString: '{Shown(ConnectionString)}' names no database file (Data Source is '{builder.DataSource}', Mode is {builder.Mode}); the store needs a file.");
                }
                else if (builder.Mode == SqliteOpenMode.ReadOnly)
                {
                    problems.Add($"SqliteCaseStoreOptions.ConnectionString: '{Shown(ConnectionString)}' has Mode=ReadOnly; the store writes. Use SqliteCaseStore.OpenReadOnly to read a file without writing it.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                problems.Add($"SqliteCaseStoreOptions.ConnectionString: '{Shown(ConnectionString)}' is not a SQLite connection string ({ex.Message.Split(" (Parameter", 2)[0]}).");
            }
        }

        if (!Enum.IsDefined(Synchronous))
        {
            problems.Add($"SqliteCaseStoreOptions.Synchronous: {(int)Synchronous} is not Full or Normal.");
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"SqliteCaseStoreOptions.BusyTimeout: must be more than zero and at most {int.MaxValue} ms, found {BusyTimeout}."));
        }

        if (MaxGroupSize is < 1 or > MaxGroupSizeLimit)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"SqliteCaseStoreOptions.MaxGroupSize: must be 1 to {MaxGroupSizeLimit}, found {MaxGroupSize}."));
        }

        return problems;
    }

    /// <summary>Throws when the options are not valid.</summary>
    /// <exception cref="ArgumentException">The options are not valid; the message names each option and its value.</exception>
    internal void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), "options");
        }
    }

    /// <summary>A value as it may appear in an error: bounded, with control characters escaped, and a password hidden.</summary>
    internal static string Shown(string text)
    {
        const int Limit = 200;
        var shown = text.Length > Limit ? text[..Limit] + "..." : text;
        if (shown.Contains("password", StringComparison.OrdinalIgnoreCase) || shown.Contains("pwd", StringComparison.OrdinalIgnoreCase))
        {
            return "(a connection string with a password, not shown)";
        }

        return string.Concat(shown.Select(c => char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) : c.ToString()));
    }
}
