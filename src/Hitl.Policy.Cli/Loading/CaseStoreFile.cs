using System.Globalization;
using Hitl.Policy.Audit;
using Hitl.Policy.Review;
using Hitl.Policy.Sqlite;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Cli.Loading;

/// <summary>
/// A SQLite case store file (as <see cref="SqliteCaseStore"/> writes it), opened read-only: told from a JSON Lines trail
/// by its content, and every way of failing turned into a <see cref="CliException"/> that names the file.
/// </summary>
internal static class CaseStoreFile
{
    /// <summary>The first 16 bytes of every SQLite database file.</summary>
    private static ReadOnlySpan<byte> Header => "SQLite format 3\0"u8;

    /// <summary>Whether the file starts with the SQLite header (whatever its name): a case store, not a JSON Lines trail.</summary>
    /// <param name="path">An existing file.</param>
    /// <param name="what">What the file is for, for the message.</param>
    /// <exception cref="CliException">The file cannot be read.</exception>
    public static bool IsSqlite(string path, string what)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            Span<byte> start = stackalloc byte[16];
            var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            return read == start.Length && start.SequenceEqual(Header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the {what} '{path}': {ex.Message}", ex);
        }
    }

    /// <summary>Opens a file that must be a case store (<c>hitl cases ...</c>, <c>hitl audit export</c>).</summary>
    /// <param name="path">The path as the user gave it.</param>
    /// <param name="keys">The keys of a keyed trail, when a verify needs them.</param>
    /// <returns>The store, read-only; the caller disposes it.</returns>
    /// <exception cref="CliException">The file is missing, not a SQLite file, not a case store, or of a newer schema.</exception>
    public static SqliteCaseStore Open(string path, AuditKeyRing? keys = null)
    {
        InputFile.Check(path, "case store");
        if (!IsSqlite(path, "case store"))
        {
            throw new CliException(
                $"The case store '{path}' is not a SQLite file (it does not start with the SQLite header). Give the database file of a SqliteCaseStore; a JSON Lines audit trail is read by 'hitl audit verify' and 'hitl audit stats'.");
        }

        return OpenSqlite(path, "case store", keys);
    }

    /// <summary>Opens a file already known to start with the SQLite header.</summary>
    /// <exception cref="CliException">The file is not a case store, or of a newer schema, or cannot be read.</exception>
    public static SqliteCaseStore OpenSqlite(string path, string what, AuditKeyRing? keys = null)
    {
        try
        {
            return SqliteCaseStore.OpenReadOnly(path, keys);
        }
        catch (CaseStoreException ex)
        {
            throw Unreadable(path, what, ex);
        }
    }

    /// <summary>The error for a store that failed while being read.</summary>
    public static CliException Unreadable(string path, string what, Exception ex) =>
        new($"Cannot read the {what} '{path}': {ex.Message}", ex);

    /// <summary>Runs a read on the store, turning its failures into an error naming the file.</summary>
    public static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is CaseStoreException or AuditStoreException or SqliteException)
        {
            throw Unreadable(path, "case store", ex);
        }
    }

    /// <summary>
    /// The stored audit lines of one case, in sequence order, read through the index on the audit table's case id
    /// (so an export of many cases does not read the whole trail once per case). The lines are returned as stored:
    /// canonical JSON records, the same text a JSON Lines trail holds.
    /// </summary>
    /// <remarks>
    /// This reads the store's schema (version 1: <c>audit(sequence, case_id, line)</c>) directly, because
    /// <see cref="SqliteCaseStore"/> has no public read of one case's records yet; the store has already refused, at
    /// open, a file of another schema version.
    /// </remarks>
    public static CaseHistory History(SqliteCaseStore store, string displayPath) => new(store, displayPath);

    /// <summary>A read-only connection to the store's file for <see cref="History"/>; dispose it after the export.</summary>
    internal sealed class CaseHistory : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _caseId;
        private readonly string _path;

        public CaseHistory(SqliteCaseStore store, string displayPath)
        {
            _path = displayPath;
            if (SqliteCaseStore.SchemaVersion != 1)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"This hitl reads the audit records of a case from schema version 1, but Hitl.Policy.Sqlite writes version {SqliteCaseStore.SchemaVersion}; update hitl."),
                    ExitCodes.InternalError);
            }

            var builder = new SqliteConnectionStringBuilder { DataSource = store.Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 };
            _connection = new SqliteConnection(builder.ToString());
            try
            {
                _connection.Open();
                _command = _connection.CreateCommand();
                _command.CommandText = "SELECT sequence, line FROM audit WHERE case_id = $case_id ORDER BY sequence";
                _caseId = _command.Parameters.Add("$case_id", SqliteType.Text);
            }
            catch (SqliteException ex)
            {
                _connection.Dispose();
                throw Unreadable(displayPath, "case store", ex);
            }
        }

        /// <summary>The case's records as stored, in order.</summary>
        /// <exception cref="CliException">The file cannot be read.</exception>
        public List<(long Sequence, string Line)> Read(string caseId)
        {
            var lines = new List<(long, string)>();
            try
            {
                _caseId.Value = caseId;
                using var reader = _command.ExecuteReader();
                while (reader.Read())
                {
                    lines.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }
            catch (SqliteException ex)
            {
                throw Unreadable(_path, "case store", ex);
            }

            return lines;
        }

        public void Dispose()
        {
            _command.Dispose();
            _connection.Dispose();
        }
    }
}
