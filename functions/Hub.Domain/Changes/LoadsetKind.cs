using System.Text.Json.Serialization;

namespace Hub.Domain.Changes;

/// <summary>The third part of a loadset name: binaries, configuration, or a <c>neg</c> loadset.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LoadsetKind>))]
public enum LoadsetKind
{
    Bin,
    Cfg,
    Neg,
}

/// <summary>
/// The fourth part: <c>dev</c> (built, not yet vetted), <c>stable</c> (vetted by a successful STAGE installation),
/// <c>stale</c> (withdrawn: rolled back or superseded), <c>os</c> (the operating-system layer).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LoadsetStatus>))]
public enum LoadsetStatus
{
    Os,
    Dev,
    Stable,
    Stale,
}
