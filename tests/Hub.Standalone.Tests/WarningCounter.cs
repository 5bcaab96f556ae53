using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Hub.Standalone.Tests;

/// <summary>Counts the warnings each logger category wrote: how a test sees a background loop fail and carry on.</summary>
public sealed class WarningCounter : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public int Of(string category) => _counts.GetValueOrDefault(category);

    public ILogger CreateLogger(string categoryName) => new Counting(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Counting(WarningCounter owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._counts.AddOrUpdate(category, 1, (_, n) => n + 1);
            }
        }
    }
}
