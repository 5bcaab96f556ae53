using System.Text.Json.Serialization;

namespace Hub.Domain.Sites;

/// <summary>What an operator asks of a whole site.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SiteCommand>))]
public enum SiteCommand
{
    Start,
    Stop,
    Status,
    Update,
}

/// <summary>What one step asks one service's agent to do on one node.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepCommand>))]
public enum StepCommand
{
    Start,
    Stop,
    Status,
    Install,
    Configure,
}

/// <summary>How an Update runs: stop the whole site first, or one node at a time by server tier.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateStrategy>))]
public enum UpdateStrategy
{
    [JsonStringEnumMemberName("stop-all")]
    StopAll,

    [JsonStringEnumMemberName("rolling")]
    Rolling,
}
