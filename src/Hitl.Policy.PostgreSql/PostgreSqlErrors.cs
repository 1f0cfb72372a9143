using System.Net.Sockets;
using Hitl.Policy.Review;
using Npgsql;

namespace Hitl.Policy.PostgreSql;

/// <summary>Turns what Npgsql and the server report into <see cref="CaseStoreException"/> messages that name the database and the cause.</summary>
internal static class PostgreSqlErrors
{
    /// <summary>Whether an exception is the database failing (not a bug of the caller, not the caller's own cancellation).</summary>
    public static bool IsDatabaseError(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        NpgsqlException or SocketException or IOException or TimeoutException or InvalidOperationException => true,
        _ => false,
    };

    /// <summary>The exception for a failure while doing <paramref name="doing"/> (for example "commit", "list cases").</summary>
    public static CaseStoreException Map(string name, string doing, bool writing, Exception cause)
    {
        if (cause is CaseStoreException known)
        {
            return known;
        }

        var nothing = writing ? " Nothing was written." : "";
        return cause switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg => new CaseStoreException(
                $"The case store {name} refused to {doing}: the database user lacks a privilege ({pg.MessageText}).{nothing} Grant the store's user the rights on its schema.", cause),
            PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow } pg => new CaseStoreException(
                $"The case store {name} could not {doing}: the server is shutting down or starting ({pg.SqlState}: {pg.MessageText}).{nothing} The store reconnects by itself once the server is back.", cause),
            PostgresException pg => new CaseStoreException(
                $"The case store {name} could not {doing}: the server reported {pg.SqlState} ({pg.MessageText}).{nothing}", cause),
            NpgsqlException { InnerException: SocketException or IOException or TimeoutException } or SocketException or IOException or TimeoutException => new CaseStoreException(
                $"The case store {name} could not {doing}: the server cannot be reached ({Innermost(cause)}).{nothing} The store reconnects by itself once the server is back.", cause),
            _ => new CaseStoreException($"The case store {name} could not {doing}: {Innermost(cause)}{nothing}", cause),
        };
    }

    /// <summary>The connection broke after <c>COMMIT</c> was sent: the group may or may not be written.</summary>
    public static CaseStoreException CommitUnknown(string name, Exception cause) => new(
        $"The case store {name} lost its connection while committing ({Innermost(cause)}): the commit may or may not have been written. Read the case again before acting; the store reconnects by itself.",
        cause)
    {
        MayHaveBeenWritten = true,
    };

    private static string Innermost(Exception exception)
    {
        var message = exception.Message;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            message = message + " " + inner.Message;
        }

        return message.Length > 500 ? message[..500] + "…" : message;
    }
}
