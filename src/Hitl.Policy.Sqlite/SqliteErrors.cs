using System.Globalization;
using Hitl.Policy.Review;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Sqlite;

/// <summary>Turns what SQLite and the file system report into <see cref="CaseStoreException"/> messages that name the file and the cause.</summary>
internal static class SqliteErrors
{
    private const int Perm = 3;
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    /// <summary>The exception for a failure while doing <paramref name="doing"/> (for example "open it", "commit").</summary>
    /// <param name="path">The file.</param>
    /// <param name="busyTimeout">The busy timeout, for the message of a lock.</param>
    /// <param name="doing">What the store was doing, as a verb phrase.</param>
    /// <param name="writing">Whether it was a write (the message then says nothing was written).</param>
    /// <param name="cause">What failed.</param>
    public static CaseStoreException Map(string path, TimeSpan busyTimeout, string doing, bool writing, Exception cause)
    {
        if (cause is CaseStoreException known)
        {
            return known;
        }

        var nothing = writing ? " Nothing was written." : "";
        if (cause is SqliteException sqlite)
        {
            var detail = Describe(sqlite);
            return (sqlite.SqliteErrorCode & 0xFF) switch
            {
                Busy or Locked => new CaseStoreException(
                    string.Create(CultureInfo.InvariantCulture, $"The case store '{path}' is locked: another connection held a write transaction on it for longer than the busy timeout ({busyTimeout.TotalMilliseconds:0} ms), so the store could not {doing} ({detail}).{nothing} Try again, or raise SqliteCaseStoreOptions.BusyTimeout."),
                    cause),
                ReadOnly or Perm => new CaseStoreException(
                    $"The case store '{path}' is read-only: the file or its directory cannot be written, so the store could not {doing} ({detail}).{nothing} Give the process write access to the file and its directory (SQLite also writes '{Path.GetFileName(path)}-wal' and '-shm' beside it).",
                    cause),
                CantOpen => new CaseStoreException(
                    $"The case store '{path}' cannot be opened: the file, or the '-wal' and '-shm' files SQLite keeps beside it, cannot be created or opened ({detail}).{nothing} Check the path and the permissions of the file and its directory.",
                    cause),
                NotADatabase or Corrupt => NotOurs(path, detail, cause),
                Full => new CaseStoreException(
                    $"The case store '{path}' could not {doing}: the disk is full ({detail}).{nothing}",
                    cause),
                IoError => new CaseStoreException(
                    $"The case store '{path}' could not {doing}: the disk reported an I/O error ({detail}).{nothing} Check the disk; the store re-reads the trail's head at the next commit.",
                    cause),
                _ => new CaseStoreException($"The case store '{path}' could not {doing} ({detail}).{nothing}", cause),
            };
        }

        if (cause is UnauthorizedAccessException)
        {
            return new CaseStoreException($"The case store '{path}' is read-only or cannot be reached: {cause.Message}{nothing}", cause);
        }

        return new CaseStoreException($"The case store '{path}' could not {doing}: {cause.Message}{nothing}", cause);
    }

    /// <summary>The exception for a file that is not a store, or is damaged.</summary>
    public static CaseStoreException NotOurs(string path, string detail, Exception? cause = null)
    {
        var message = $"The case store '{path}' is not a Hitl.Policy database or is corrupt ({detail}). Nothing was written; keep the file for inspection and give the store another path.";
        return cause is null ? new CaseStoreException(message) : new CaseStoreException(message, cause);
    }

    /// <summary>Whether an exception says the file is locked.</summary>
    public static bool IsBusy(Exception exception) => exception is SqliteException { SqliteErrorCode: var code } && (code & 0xFF) is Busy or Locked;

    private static string Describe(SqliteException exception) => string.Create(
        CultureInfo.InvariantCulture,
        $"SQLite error {exception.SqliteErrorCode}: {exception.Message.Replace("SQLite Error ", "", StringComparison.Ordinal)}");
}
