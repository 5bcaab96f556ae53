using System.Collections.Concurrent;

namespace Hub.Standalone.TestFunctions;

/// <summary>What the test functions did, for the tests to read; one instance per test, shared by its hosts.</summary>
public sealed class Probe
{
    private readonly ConcurrentQueue<(string Kind, string Value)> _events = new();

    public void Record(string kind, string value) => _events.Enqueue((kind, value));

    public IReadOnlyList<string> Of(string kind) => _events.Where(e => e.Kind == kind).Select(e => e.Value).ToList();
}
