namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Watches the policy file that the options name and asks for a reload when it changes, so that editing the file
/// in place takes effect the same way a configuration reload does (a bad edit is logged and the last good policy stays).
/// </summary>
internal sealed class PolicyFileWatcher : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Action _changed;
    private readonly Action<string?, Exception> _failed;
    private FileSystemWatcher? _watcher;
    private string? _path;

    /// <summary>Watches a policy file.</summary>
    /// <param name="changed">Asked to reload when the file changes.</param>
    /// <param name="failed">Told when watching or reloading failed (it must not throw); the watcher goes on.</param>
    public PolicyFileWatcher(Action changed, Action<string?, Exception> failed)
    {
        _changed = changed;
        _failed = failed;
    }

    /// <summary>Watches this file from now on (or nothing, when <paramref name="path"/> is null). Never throws: a failure is reported.</summary>
    public void Watch(string? path)
    {
        try
        {
            WatchCore(path);
        }
#pragma warning disable CA1031 // Called from a configuration callback: a throw there would end every later reload silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failed(path, ex);
        }
    }

    private void WatchCore(string? path)
    {
        var full = path is null ? null : Path.GetFullPath(path);
        lock (_gate)
        {
            if (string.Equals(full, _path, StringComparison.Ordinal))
            {
                return;
            }

            _watcher?.Dispose();
            _watcher = null;
            _path = full;
            var directory = full is null ? null : Path.GetDirectoryName(full);
            if (full is null || directory is null || !Directory.Exists(directory))
            {
                return;
            }

            var watcher = new FileSystemWatcher(directory, Path.GetFileName(full))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Changed(full);
            watcher.Created += (_, _) => Changed(full);
            watcher.Renamed += (_, _) => Changed(full);

            // A lost event (the OS buffer overflowed) could hide an edit: read the file again, and keep watching.
            watcher.Error += (_, e) =>
            {
                _failed(full, e.GetException());
                Changed(full);
            };
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
    }

    /// <summary>Runs the reload on the watcher's thread; an exception there would end the process, so it is reported instead.</summary>
    private void Changed(string? path)
    {
        try
        {
            _changed();
        }
#pragma warning disable CA1031 // An event handler of FileSystemWatcher must not throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failed(path, ex);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _watcher?.Dispose();
            _watcher = null;
        }
    }
}
