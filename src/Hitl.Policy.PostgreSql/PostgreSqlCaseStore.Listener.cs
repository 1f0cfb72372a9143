using Hitl.Policy.Review;
using Npgsql;

namespace Hitl.Policy.PostgreSql;

/// <summary>The change feed: one connection that listens for the notifications every instance's commits send.</summary>
public sealed partial class PostgreSqlCaseStore
{
    /// <summary>How long the listener waits for a notification before it checks that its connection still answers.</summary>
    private static readonly TimeSpan ListenerPing = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between two attempts to reconnect the listener.</summary>
    private static readonly TimeSpan ListenerBackOff = TimeSpan.FromSeconds(5);

    private readonly Lock _subscribersGate = new();
    private readonly CancellationTokenSource _stopListening = new();
    private Action<StoreChange>[] _subscribers = [];
    private Task? _listener;
    private long _listenerConnects;

    /// <summary>How many times the listener has connected (tests see it reconnect after the server restarts).</summary>
    internal long ListenerConnects => Interlocked.Read(ref _listenerConnects);

    /// <inheritdoc />
    /// <remarks>
    /// The first subscription starts the listener (when <see cref="PostgreSqlCaseStoreOptions.ListenForChanges"/> is on):
    /// it runs <c>LISTEN</c> on a connection of its own and calls <paramref name="onChange"/> for every case a commit on
    /// any instance changed, and for every kill switch change. When the connection drops it reconnects with a back-off
    /// (up to 5 seconds) and reports <see cref="StoreChangeKind.Missed"/> once it is back.
    /// </remarks>
    public IDisposable Subscribe(Action<StoreChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        ThrowIfDisposed();
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers, onChange];
            if (_listen && _listener is null)
            {
                _listener = Task.Run(ListenAsync);
            }
        }

        return new Subscription(this, onChange);
    }

    private void Unsubscribe(Action<StoreChange> onChange)
    {
        lock (_subscribersGate)
        {
            _subscribers = [.. _subscribers.Where(s => s != onChange)];
        }
    }

    private void Publish(StoreChange change)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(change);
            }
#pragma warning disable CA1031 // A subscriber that throws must not stop the feed for the others.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private async Task ListenAsync()
    {
        var stop = _stopListening.Token;
        var backOff = TimeSpan.FromMilliseconds(100);
        var connectedBefore = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN \"" + Channel + "\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _listenerConnects);
                backOff = TimeSpan.FromMilliseconds(100);
                if (connectedBefore)
                {
                    // While it was away, commits may have notified no one: whoever waits reads again.
                    Publish(new StoreChange(StoreChangeKind.Missed, null));
                }

                connectedBefore = true;
                while (!stop.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(ListenerPing, stop).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The listener outlives a server that is down: it reconnects; gates poll meanwhile.
            catch (Exception)
#pragma warning restore CA1031
            {
                if (connectedBefore)
                {
                    Publish(new StoreChange(StoreChangeKind.Missed, null));
                }

                try
                {
                    await Task.Delay(backOff, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, ListenerBackOff.Ticks));
            }
        }
    }

    /// <summary>A notification's payload: lines of <c>c:&lt;case id&gt;</c> and <c>k</c> (a kill switch change), or <c>*</c> (too many to name).</summary>
    private void OnNotification(string payload)
    {
        if (payload == "*")
        {
            Publish(new StoreChange(StoreChangeKind.Missed, null));
            return;
        }

        foreach (var line in payload.Split('\n'))
        {
            if (line == "k")
            {
                Publish(new StoreChange(StoreChangeKind.KillSwitch, null));
            }
            else if (line.StartsWith("c:", StringComparison.Ordinal))
            {
                Publish(new StoreChange(StoreChangeKind.Case, line[2..]));
            }
        }
    }

    private async Task StopListeningAsync()
    {
        await _stopListening.CancelAsync().ConfigureAwait(false);
        Task? listener;
        lock (_subscribersGate)
        {
            listener = _listener;
        }

        if (listener is not null)
        {
            await listener.ConfigureAwait(false);
        }

        _stopListening.Dispose();
    }

    private sealed class Subscription(PostgreSqlCaseStore store, Action<StoreChange> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                store.Unsubscribe(onChange);
            }
        }
    }
}
