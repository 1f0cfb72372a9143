using System.Globalization;
using System.Text.RegularExpressions;
using Hitl.Policy.Audit;
using Npgsql;

namespace Hitl.Policy.PostgreSql;

/// <summary>Options of <see cref="PostgreSqlCaseStore"/>.</summary>
public sealed partial class PostgreSqlCaseStoreOptions
{
    /// <summary>The largest <see cref="MaxGroupSize"/>.</summary>
    public const int MaxGroupSizeLimit = 10_000;

    /// <summary>
    /// The connection string of the database, for example <c>Host=db;Database=app;Username=hitl;Password=...</c>. The store
    /// makes its own <see cref="NpgsqlDataSource"/> from it and disposes it. Leave it out when <see cref="DataSource"/> is set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A data source the host already has (for example the one registered in its container): the store uses it and
    /// never disposes it. Wins over <see cref="ConnectionString"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// The PostgreSQL schema that holds the store's tables (<c>cases</c>, <c>audit</c>, <c>audit_head</c>,
    /// <c>kill_switch</c>, <c>schema_migrations</c>); created on start when missing. Lower-case letters, digits and
    /// underscores, starting with a letter or an underscore, at most 48 characters. Several stores (tenants, test runs)
    /// may share a database in different schemas.
    /// </summary>
    /// <value>The default value is <c>hitl</c>.</value>
    public string Schema { get; set; } = "hitl";

    /// <summary>
    /// Whether commits that arrive together share one transaction (one round trip for the records and one flush to disk):
    /// a commit that conflicts fails alone, and the others commit. Every commit still returns only once it is durable.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool GroupCommit { get; set; } = true;

    /// <summary>With <see cref="GroupCommit"/>, the most commits in one transaction: 1 to <see cref="MaxGroupSizeLimit"/>.</summary>
    /// <value>The default value is 256.</value>
    public int MaxGroupSize { get; set; } = 256;

    /// <summary>
    /// Whether the store listens for the changes other instances commit (<c>LISTEN</c>/<c>NOTIFY</c> on one connection of
    /// its own), so that a wait on this instance wakes as soon as a reviewer decides on another and the kill switch is
    /// followed at once. Without it gates still see every change, at their next poll
    /// (<see cref="Review.ReviewGateOptions.StorePollInterval"/>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>
    /// The keys of a keyed trail: every record's hash is an HMAC-SHA256 under the active key and carries its id, exactly as
    /// in <see cref="JsonLinesAuditStore"/>. Every instance on the database needs the same ring. A database whose trail is
    /// keyed is not opened without keys, so that it is never continued with weaker records.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: an unkeyed trail (the weak mode; see docs/security.md).</value>
    public AuditKeyRing? Keys { get; set; }

    /// <summary>Problems found while binding from configuration, each naming its key and value; reported by validation.</summary>
    internal List<string> BindingProblems { get; } = [];

    /// <summary>A copy (so that the store does not change with the caller's instance).</summary>
    internal PostgreSqlCaseStoreOptions Clone()
    {
        var copy = new PostgreSqlCaseStoreOptions
        {
            ConnectionString = ConnectionString,
            DataSource = DataSource,
            Schema = Schema,
            GroupCommit = GroupCommit,
            MaxGroupSize = MaxGroupSize,
            ListenForChanges = ListenForChanges,
            Keys = Keys,
        };
        copy.BindingProblems.AddRange(BindingProblems);
        return copy;
    }

    /// <summary>Every problem with the options, each naming the option and its value; empty when they are valid.</summary>
    internal List<string> Problems()
    {
        var problems = new List<string>(BindingProblems);
        if (DataSource is null)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
            {
                problems.Add($"PostgreSqlCaseStoreOptions.ConnectionString: a connection string (for example 'Host=db;Database=app;Username=hitl') or a DataSource is required, found '{ConnectionString}'.");
            }
            else
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(ConnectionString);
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
                {
                    problems.Add($"PostgreSqlCaseStoreOptions.ConnectionString: '{Shown(ConnectionString)}' is not a PostgreSQL connection string ({ex.Message.Split(" (Parameter", 2)[0]}).");
                }
            }
        }

        if (Schema is null || !SchemaName().IsMatch(Schema))
        {
            problems.Add($"PostgreSqlCaseStoreOptions.Schema: must be lower-case letters, digits and underscores, starting with a letter or an underscore, at most 48 characters, found '{(Schema is null ? "(null)" : Shown(Schema))}'.");
        }

        if (MaxGroupSize is < 1 or > MaxGroupSizeLimit)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"PostgreSqlCaseStoreOptions.MaxGroupSize: must be 1 to {MaxGroupSizeLimit}, found {MaxGroupSize}."));
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

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
