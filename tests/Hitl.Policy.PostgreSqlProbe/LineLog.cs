using System.Diagnostics;
using System.Globalization;
using System.Text;

/// <summary>
/// An instance's own file of what it did, one line per event, each line one unbuffered write (a kill never leaves half a
/// line the next start would misread). A restarted instance appends to it and reads what its previous run did.
/// </summary>
internal sealed class LineLog : IDisposable
{
    private static readonly long Started = Environment.TickCount64 - (long)(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
    private readonly Lock _gate = new();
    private readonly FileStream _file;

    private LineLog(string path, IReadOnlyList<string> previous)
    {
        Previous = previous;
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
    }

    /// <summary>The complete lines an earlier run wrote (a line cut off by a kill is left out).</summary>
    public IReadOnlyList<string> Previous { get; }

    public static LineLog Open(string path)
    {
        var previous = new List<string>();
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path);
            var lines = text.Split('\n');
            // The last piece is empty when the file ends with a line break, and a torn line when it does not.
            previous.AddRange(lines.Take(lines.Length - 1).Where(l => l.Length > 0));
        }

        return new LineLog(path, previous);
    }

    /// <summary>The ids of the earlier run's lines that start with <paramref name="kind"/> (its second word).</summary>
    public HashSet<string> PreviousIds(string kind) =>
        new(Previous.Select(l => l.Split(' ')).Where(w => w.Length >= 2 && w[0] == kind).Select(w => w[1]), StringComparer.Ordinal);

    /// <summary>Writes the line, with the milliseconds since the process started as its last word.</summary>
    public void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{line} +{Environment.TickCount64 - Started}ms\n"));
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
