using System.Globalization;
using Hitl.Policy.Review;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Sqlite;

/// <summary>
/// The layout of a case store file, and the checks that tell a file this code may use from one it must not touch.
/// A store file carries <c>PRAGMA application_id</c> = <see cref="ApplicationId"/> and <c>PRAGMA user_version</c> =
/// the schema version, both set in the transaction that creates the tables.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The application id of a case store file: the ASCII bytes 'HTLP'.</summary>
    public const int ApplicationId = 0x48544C50;

    /// <summary>The schema version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The sort key of a case without a deadline (long.MaxValue, as <see cref="CaseCursor.SortKey"/> has it).</summary>
    public const string NoDeadline = "9223372036854775807";

    /// <summary>The deadline order's sort key, exactly as the index on it is declared (so the query can use the index).</summary>
    public const string DeadlineKey = "coalesce(deadline_at, " + NoDeadline + ")";

    /// <summary>
    /// A reviewer's queue (one state, nearest deadline first) read in index order: without it SQLite, which keeps no
    /// statistics here, takes the state index and sorts every open case for each page. Added to version 1 files as they
    /// open (an index changes nothing an older version of this code reads or writes).
    /// </summary>
    public const string StateDeadlineIndex = "CREATE INDEX IF NOT EXISTS cases_by_state_deadline ON cases (state, " + DeadlineKey + ", id)";

    /// <summary>The statements that create version 1, run in one transaction.</summary>
    public static readonly string[] Create =
    [
        """
        CREATE TABLE cases (
            id            TEXT COLLATE BINARY NOT NULL PRIMARY KEY,
            version       INTEGER NOT NULL CHECK (version >= 1),
            state         TEXT NOT NULL,
            action_type   TEXT,
            required_tier TEXT,
            requester     TEXT,
            subject       TEXT,
            opened_at     INTEGER NOT NULL,
            deadline_at   INTEGER,
            retain_until  INTEGER,
            legal_hold    INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
            is_open       INTEGER NOT NULL CHECK (is_open IN (0, 1)),
            doc           TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX cases_by_opened ON cases (opened_at, id)",
        "CREATE INDEX cases_by_deadline ON cases (" + DeadlineKey + ", id)",
        "CREATE INDEX cases_by_state ON cases (state, opened_at)",
        StateDeadlineIndex,
        "CREATE INDEX cases_by_subject ON cases (subject, opened_at)",
        "CREATE INDEX cases_by_retention ON cases (retain_until) WHERE is_open = 0 AND legal_hold = 0",
        """
        CREATE TABLE audit (
            sequence INTEGER NOT NULL PRIMARY KEY CHECK (sequence >= 1),
            case_id  TEXT NOT NULL,
            line     TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX audit_by_case ON audit (case_id, sequence)",
        "CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: a correction is a new record'); END",
        "CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: a correction is a new record'); END",
        "PRAGMA application_id = " + ApplicationIdText,
        "PRAGMA user_version = 1",
    ];

    private const string ApplicationIdText = "1213484112";

    /// <summary>What a file holds, as far as the schema goes.</summary>
    public enum Kind
    {
        /// <summary>An empty database: the schema is to be created.</summary>
        Empty,

        /// <summary>A case store of this schema version.</summary>
        Current,
    }

    /// <summary>Reads the schema markers and says whether the file is empty or a store of this version; throws otherwise (nothing is written).</summary>
    /// <exception cref="CaseStoreException">The file is another application's database, a store of a newer version, or damaged.</exception>
    public static Kind Inspect(SqliteConnection connection, string path)
    {
        var applicationId = Pragma(connection, "application_id");
        var version = Pragma(connection, "user_version");
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM sqlite_schema";
        var objects = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (applicationId == 0 && version == 0 && objects == 0)
        {
            return Kind.Empty;
        }

        if (applicationId != ApplicationId)
        {
            throw new CaseStoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"The case store '{path}' is not a Hitl.Policy database or is corrupt: it is a SQLite database of another application (application_id {applicationId}, {objects} schema objects). Nothing was written; give the store a file of its own."));
        }

        if (version > Version)
        {
            throw new CaseStoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"The case store '{path}' has schema version {version}, newer than the version {Version} this Hitl.Policy.Sqlite supports. Nothing was written; open it with the newer Hitl.Policy.Sqlite that wrote it."));
        }

        if (version < 1)
        {
            throw new CaseStoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"The case store '{path}' is not a Hitl.Policy database or is corrupt: it is marked as a case store but has schema version {version}. Nothing was written."));
        }

        return Kind.Current;
    }

    private static long Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + name;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
