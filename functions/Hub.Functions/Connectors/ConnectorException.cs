namespace Hub.Functions.Connectors;

/// <summary>
/// A connector call that did not succeed. <see cref="Transient"/>: worth trying again later (408, 429, 5xx, network,
/// timeout, a missing credential setting); otherwise the external system refused it and a retry would be refused too.
/// </summary>
public sealed class ConnectorException : Exception
{
    public ConnectorException()
    {
    }

    public ConnectorException(string message)
        : base(message)
    {
    }

    public ConnectorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConnectorException(string message, bool transient, int? status = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Transient = transient;
        Status = status;
    }

    public bool Transient { get; }

    /// <summary>The HTTP status of the last answer; null when none came.</summary>
    public int? Status { get; }

    /// <summary>How long the system asked us to wait (Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
