using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hitl.Policy.Tests.DependencyInjection;

/// <summary>Keeps every log message, so that tests can read what the library logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Event, string Message)> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Messages.Enqueue((category, logLevel, eventId, formatter(state, exception)));
    }
}
