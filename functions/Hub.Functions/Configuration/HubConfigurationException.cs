namespace Hub.Functions.Configuration;

/// <summary>
/// The hub configuration cannot be used: not found, not parsable, or invalid. The message lists every error, one per
/// line, as "file:line:column: path: rule", and never contains a secret value.
/// </summary>
public sealed class HubConfigurationException : Exception
{
    public HubConfigurationException(IReadOnlyList<ConfigurationError> errors)
        : base(string.Join('\n', errors))
    {
        Errors = errors;
    }

    public HubConfigurationException(string message)
        : base(message)
    {
        Errors = [];
    }

    public HubConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public HubConfigurationException()
    {
        Errors = [];
    }

    public IReadOnlyList<ConfigurationError> Errors { get; }
}
