namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Watches the policy file that the options name and asks for a reload when it changes, so that editing the file
/// in place takes effect the same way a configuration reload does (a bad edit is logged and the last good policy stays).
/// </summary>
internal sealed class PolicyFileWatcher : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Action _changed;
    private FileSystemWatcher? _watcher;
    private string? _path;

    public PolicyFileWatcher(Action changed) => _changed = changed;

    /// <summary>Watches this file from now on (or nothing, when <paramref name="path"/> is null).</summary>
    public void Watch(string? path)
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
            watcher.Changed += (_, _) => _changed();
            watcher.Created += (_, _) => _changed();
            watcher.Renamed += (_, _) => _changed();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
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
