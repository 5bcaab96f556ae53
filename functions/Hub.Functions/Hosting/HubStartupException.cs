namespace Hub.Functions.Hosting;

/// <summary>
/// The hub refuses to start: bad configuration, a trigger setting that is missing or does not parse. The message names the
/// setting or file and the problem, and never contains a secret; Program prints it without a stack trace.
/// </summary>
public sealed class HubStartupException : Exception
{
    public HubStartupException(string message)
        : base(message)
    {
    }

    public HubStartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HubStartupException()
    {
    }
}
