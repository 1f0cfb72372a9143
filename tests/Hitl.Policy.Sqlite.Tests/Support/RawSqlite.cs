using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Hitl.Policy.Sqlite.Tests.Support;

/// <summary>Reaches into a store file the way another program would: plain SQL on a connection of its own.</summary>
internal static class RawSqlite
{
    public static SqliteConnection Connect(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Long(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = Connect(path);
        Execute(connection, sql);
    }

    /// <summary>
    /// Makes a file read-only for this process, and undoes it when disposed. As root permission bits do not bind, so there
    /// the file is made immutable (chattr +i), which binds root too.
    /// </summary>
    public static IDisposable MakeReadOnly(string path)
    {
        if (Environment.IsPrivilegedProcess)
        {
            Run("chattr", "+i", path);
            return new Undo(() => Run("chattr", "-i", path));
        }

        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
            return new Undo(() => File.SetAttributes(path, FileAttributes.Normal));
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
#pragma warning disable CA1416 // Only reached off Windows (checked above).
        return new Undo(() => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
#pragma warning restore CA1416
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
        }
    }

    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
