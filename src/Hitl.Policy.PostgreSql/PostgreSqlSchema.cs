using Hitl.Policy.Audit;

namespace Hitl.Policy.PostgreSql;

/// <summary>
/// The store's tables in their schema, and the migrations that make them: each migration runs once, in the start-up
/// transaction, and is written to <c>schema_migrations</c>. Instances that start together take turns through a
/// transaction-scoped advisory lock, so the schema is made once.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>The newest schema version this code writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The sort key of a case without a deadline (long.MaxValue, as <see cref="Review.CaseCursor.SortKey"/> has it).</summary>
    public const string NoDeadline = "9223372036854775807";

    /// <summary>The deadline order's sort key, exactly as its index is declared (so the query can use the index).</summary>
    public const string DeadlineKey = "coalesce(deadline_at, " + NoDeadline + ")";

    /// <summary>The migrations, by version: a description and the statements (with <c>{s}</c> for the schema).</summary>
    public static readonly (int Version, string Description, string[] Statements)[] Migrations =
    [
        (1, "cases, audit trail with its chain head, kill switch", [
            """
            CREATE TABLE {s}.cases (
                id            text COLLATE "C" NOT NULL PRIMARY KEY,
                version       bigint NOT NULL CHECK (version >= 1),
                state         text NOT NULL,
                action_type   text,
                required_tier text,
                requester     text,
                subject       text,
                opened_at     bigint NOT NULL,
                deadline_at   bigint,
                retain_until  bigint,
                legal_hold    boolean NOT NULL,
                is_open       boolean NOT NULL,
                claimed_by    text,
                claimed_until bigint,
                doc           text NOT NULL
            )
            """,
            "CREATE INDEX cases_by_opened ON {s}.cases (opened_at, id)",
            "CREATE INDEX cases_by_deadline ON {s}.cases ((" + DeadlineKey + "), id)",
            "CREATE INDEX cases_by_state ON {s}.cases (state, opened_at)",
            "CREATE INDEX cases_by_subject ON {s}.cases (subject, opened_at)",
            "CREATE INDEX cases_by_retention ON {s}.cases (retain_until) WHERE NOT is_open AND NOT legal_hold",
            """
            CREATE TABLE {s}.audit (
                sequence bigint NOT NULL PRIMARY KEY CHECK (sequence >= 1),
                case_id  text NOT NULL,
                line     text NOT NULL
            )
            """,
            "CREATE INDEX audit_by_case ON {s}.audit (case_id, sequence)",
            """
            CREATE TABLE {s}.audit_head (
                id       integer NOT NULL PRIMARY KEY CHECK (id = 1),
                sequence bigint NOT NULL CHECK (sequence >= 0),
                hash     text NOT NULL,
                key_id   text
            )
            """,
            "INSERT INTO {s}.audit_head (id, sequence, hash, key_id) VALUES (1, 0, '" + AuditChain.GenesisHash + "', NULL)",
            """
            CREATE TABLE {s}.kill_switch (
                scope      text COLLATE "C" NOT NULL PRIMARY KEY,
                engaged    boolean NOT NULL,
                actor      text NOT NULL,
                reason     text NOT NULL,
                changed_at bigint NOT NULL,
                sequence   bigint NOT NULL
            )
            """,
            """
            CREATE FUNCTION {s}.audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only: a correction is a new record';
            END
            $$
            """,
            "CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON {s}.audit FOR EACH ROW EXECUTE FUNCTION {s}.audit_is_append_only()",
            "CREATE TRIGGER audit_is_never_truncated BEFORE TRUNCATE ON {s}.audit FOR EACH STATEMENT EXECUTE FUNCTION {s}.audit_is_append_only()",
        ]),
    ];

    /// <summary>The statement with the schema in place of <c>{s}</c> (quoted; the name is checked: lower-case letters, digits, underscores).</summary>
    public static string In(string schema, string sql) => sql.Replace("{s}", "\"" + schema + "\"", StringComparison.Ordinal);
}
