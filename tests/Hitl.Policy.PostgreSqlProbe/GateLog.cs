using Microsoft.Extensions.Logging;

/// <summary>
/// The gate's log as the probe keeps it: how often an act lost a race to another instance and read the case again
/// (event 1040, the proof that acts really met), and the warnings and errors, which a healthy run has none of (besides
/// the refused acts, which the probe writes itself).
/// </summary>
internal sealed class GateLog : ILoggerFactory, ILogger
{
    private const int ConflictRetried = 1040;
    private const int ActRefused = 1005;
    private readonly Lock _gate = new();
    private readonly List<string> _problems = [];
    private int _conflicts;

    public int Conflicts => Volatile.Read(ref _conflicts);

    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is LogLevel.Debug or >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == ConflictRetried)
        {
            Interlocked.Increment(ref _conflicts);
        }
        else if (logLevel >= LogLevel.Warning && eventId.Id != ActRefused) // refusals are the probe's own lines
        {
            lock (_gate)
            {
                _problems.Add($"{logLevel} {eventId.Id}: {formatter(state, exception)}{(exception is null ? "" : " (" + exception.Message + ")")}");
            }
        }
    }

    public void Dispose()
    {
    }
}
