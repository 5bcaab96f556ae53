namespace Hub.Functions.Hosting;

/// <summary>
/// The hub refuses to start: bad configuration, an unparsable function.json, a missing handler. The message names the
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
