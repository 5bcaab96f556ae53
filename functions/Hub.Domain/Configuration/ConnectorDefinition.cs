namespace Hub.Domain.Configuration;

/// <summary>
/// An outbound connector to an external ticket system. Credentials are named by app setting, never written here.
/// </summary>
/// <param name="Url">RT: the server's base URL (REST2 lives under /REST/2.0/). Webhook: the URL events are posted to.</param>
/// <param name="SecretSetting">RT: the setting holding the auth token. Webhook: the setting holding the Standard Webhooks signing secret.</param>
/// <param name="Timeout">Per attempt. Generous by default: an RT server under concurrent writes can take over 10 s.</param>
/// <param name="MaxRetries">Retries after the first attempt, with exponential backoff, on 408, 429, 5xx and network failures.</param>
public sealed record ConnectorDefinition(string Name, ConnectorType Type, Uri Url, string SecretSetting, TimeSpan Timeout, int MaxRetries)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public const int DefaultMaxRetries = 4;
}

public enum ConnectorType
{
    /// <summary>Request Tracker REST2: create, update (Status and custom fields) and comment on tickets.</summary>
    Rt,

    /// <summary>A generic JSON webhook signed per Standard Webhooks; the receiver answers creates with the new id.</summary>
    Webhook,
}
